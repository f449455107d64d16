import {
  type ConnectorContext,
  type EvidenceFile,
  type EvidencePackage,
  type HttpRequest,
  type HttpResponse,
  isConnectorError,
  parseResponse,
} from "@iddio-compliance/connector-sdk";
import { z } from "zod";
import { type VantaConfig, vantaApiHost } from "./config.ts";
import { cachedAccessToken } from "./token-cache.ts";

// Response shapes from Vanta's API reference (/work/shared/reference/grc-apis.md §1.2, §1.3, §1.5).
const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string(),
});
/** `UploadedFile`, as the upload answers it and the uploads list holds it. */
const uploadSchema = z.looseObject({
  id: z.string(),
  fileName: z.string().nullable(),
  description: z.string().nullable(),
  url: z.string().nullable(),
});
const uploadListSchema = z.object({
  results: z.object({
    data: z.array(uploadSchema),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

/** A file stored on a Vanta document. */
export type VantaUpload = z.infer<typeof uploadSchema>;

const MAX_LIST_PAGES = 50;

/** The upload description: names criterion and period, and carries the digest that makes re-pushes idempotent. */
function uploadDescription(file: EvidenceFile, pkg: EvidencePackage): string {
  const { from, to, time_zone } = pkg.summary.period;
  return `iddio-compliance ${file.criterion ?? "evidence"} evidence for ${from} to ${to} (${time_zone}); ${file.name} sha256:${file.sha256}`;
}

/** Whether `upload` is `file` of `pkg`, stored by an earlier push or an earlier attempt. */
export const isUploadOf = (upload: VantaUpload, file: EvidenceFile, pkg: EvidencePackage): boolean =>
  upload.fileName === file.name && upload.description === uploadDescription(file, pkg);

/** The Vanta calls the connector makes: one shared OAuth token, Vanta's response shapes checked. */
export function createVantaApi(config: VantaConfig, ctx: ConnectorContext) {
  const host = vantaApiHost(config);
  const documentUrl = (documentId: string, action: "uploads" | "submit") =>
    `${host}/v1/documents/${encodeURIComponent(documentId)}/${action}`;
  // Both forms of base_url name the same application, so they share its one active token.
  const cacheKey = `${host}|${config.client_id}`;

  const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T =>
    parseResponse(ctx, "Vanta", schema, value, what);

  const fetchToken = async () => {
    const requestedAt = ctx.now();
    const { data } = await ctx.http.request({
      method: "POST",
      url: `${host}/oauth/token`,
      // Other pushes may be waiting for this token: aborting one push must not fail them.
      detached: true,
      json: {
        client_id: config.client_id,
        client_secret: config.client_secret,
        scope: config.scope,
        grant_type: "client_credentials",
      },
    });
    const token = parse(tokenResponseSchema, data, "the token request");
    ctx.addSecret(token.access_token);
    ctx.logger.debug("vanta token issued", { expires_in: token.expires_in });
    return { value: token.access_token, expiresAt: requestedAt + token.expires_in * 1000 };
  };

  const token = async (stale?: string): Promise<string> => {
    const value = await ctx.abortable(cachedAccessToken(cacheKey, fetchToken, ctx.now(), stale));
    ctx.addSecret(value);
    return value;
  };

  /**
   * A request with the shared bearer token; a 401 refreshes the token once and retries once. Before
   * every attempt after the first, `beforeResend` may stop the request by throwing.
   */
  async function api<T>(
    request: Omit<HttpRequest, "headers">,
    beforeResend?: () => Promise<void>,
  ): Promise<HttpResponse<T>> {
    let used = "";
    let sent = 0;
    const headers = async () => {
      if (sent++ > 0) await beforeResend?.();
      used = await token();
      return { authorization: `Bearer ${used}` };
    };
    try {
      return await ctx.http.request<T>({ ...request, headers });
    } catch (error) {
      if (!isConnectorError(error) || error.status !== 401) throw error;
      ctx.logger.debug("vanta refused the token; refreshing it once");
      await token(used);
      return ctx.http.request<T>({ ...request, headers });
    }
  }

  async function listUploads(documentId: string): Promise<VantaUpload[]> {
    const out: VantaUpload[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const { data } = await api({
        url: documentUrl(documentId, "uploads"),
        searchParams: { pageSize: 100, pageCursor: cursor },
      });
      const list = parse(uploadListSchema, data, `the uploads of document ${documentId}`);
      out.push(...list.results.data);
      const { hasNextPage, endCursor } = list.results.pageInfo;
      cursor = hasNextPage ? (endCursor ?? undefined) : undefined;
      if (!cursor) return out;
    }
    throw ctx.error(
      "CONNECTOR_RESPONSE_INVALID",
      `Vanta listed more than ${MAX_LIST_PAGES} pages of uploads for document ${documentId}`,
    );
  }

  /**
   * Uploads `file` to a document. Before re-sending after a lost answer (5xx, timeout, dropped
   * connection) it lists the document's uploads, and returns the earlier attempt's upload if Vanta
   * stored it: an upload is never made twice.
   */
  async function upload(documentId: string, file: EvidenceFile, pkg: EvidencePackage): Promise<VantaUpload> {
    let stored: VantaUpload | undefined;
    const stop = new Error("the earlier attempt was stored");
    try {
      const { data } = await api(
        {
          method: "POST",
          url: documentUrl(documentId, "uploads"),
          // A fresh form per attempt; the part type is explicit, or Vanta stores a blank document.
          body: () => {
            const form = new FormData();
            form.append("file", new Blob([file.bytes], { type: file.mediaType }), file.name);
            form.append("effectiveAtDate", `${pkg.summary.period.to}T23:59:59.000Z`);
            form.append("description", uploadDescription(file, pkg));
            return form;
          },
        },
        async () => {
          stored = (await listUploads(documentId)).find((item) => isUploadOf(item, file, pkg));
          if (stored) throw stop;
        },
      );
      return parse(uploadSchema, data, `the upload of ${file.name}`);
    } catch (error) {
      if (error === stop && stored) return stored;
      throw error;
    }
  }

  async function submit(documentId: string): Promise<void> {
    await api({ method: "POST", url: documentUrl(documentId, "submit") });
  }

  return { listUploads, upload, submit };
}
