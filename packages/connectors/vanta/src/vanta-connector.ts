import {
  type ConnectorContext,
  defineConnector,
  type EvidenceFile,
  type EvidencePackage,
  type HttpRequest,
  type HttpResponse,
  isConnectorError,
  joinUrl,
  type ReceiptFile,
  type SkippedFile,
} from "@iddio-compliance/connector-sdk";
import { z } from "zod";
import { type VantaConfig, vantaConfigSchema } from "./config.ts";
import { cachedAccessToken } from "./token-cache.ts";

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string(),
});

const uploadSchema = z.looseObject({
  id: z.string(),
  fileName: z.string().optional(),
  description: z.string().nullish(),
  url: z.string().nullish(),
});
const uploadListSchema = z.object({
  results: z.object({
    data: z.array(uploadSchema),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }).optional(),
  }),
});
type Upload = z.infer<typeof uploadSchema>;

const MAX_LIST_PAGES = 50;

/** The upload description: names criterion and period, and carries the digest that makes re-pushes idempotent. */
export function uploadDescription(file: EvidenceFile, pkg: EvidencePackage): string {
  const { from, to, time_zone } = pkg.summary.period;
  return `iddio-compliance ${file.criterion ?? "evidence"} evidence for ${from} to ${to} (${time_zone}); ${file.name} sha256:${file.sha256}`;
}

function parse<T>(ctx: ConnectorContext, schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw ctx.error(
      "CONNECTOR_RESPONSE_INVALID",
      `Vanta answered ${what} with an unexpected body: ${result.error.issues[0]?.message}`,
    );
  return result.data;
}

function createVantaApi(config: VantaConfig, ctx: ConnectorContext) {
  const cacheKey = `${config.base_url.replace(/\/+$/, "")}|${config.client_id}`;

  const fetchToken = async () => {
    const requestedAt = ctx.now();
    const { data } = await ctx.http.request({
      method: "POST",
      url: joinUrl(config.base_url, "/oauth/token"),
      // Other pushes may be waiting for this token: aborting one push must not fail them.
      detached: true,
      json: {
        client_id: config.client_id,
        client_secret: config.client_secret,
        scope: config.scope,
        grant_type: "client_credentials",
      },
    });
    const token = parse(ctx, tokenResponseSchema, data, "the token request");
    ctx.addSecret(token.access_token);
    ctx.logger.debug("vanta token issued", { expires_in: token.expires_in });
    return { value: token.access_token, expiresAt: requestedAt + token.expires_in * 1000 };
  };

  const token = async (stale?: string): Promise<string> => {
    const value = await ctx.abortable(cachedAccessToken(cacheKey, fetchToken, ctx.now(), stale));
    ctx.addSecret(value);
    return value;
  };

  /** A request with the shared bearer token; a 401 refreshes the token once and retries once. */
  async function api<T>(request: Omit<HttpRequest, "headers">): Promise<HttpResponse<T>> {
    let used = "";
    const headers = async () => {
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

  async function listUploads(documentId: string): Promise<Upload[]> {
    const out: Upload[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const { data } = await api({
        url: joinUrl(config.base_url, `/v1/documents/${encodeURIComponent(documentId)}/uploads`),
        searchParams: { pageSize: 100, pageCursor: cursor },
      });
      const list = parse(ctx, uploadListSchema, data, `the uploads of document ${documentId}`);
      out.push(...list.results.data);
      cursor = list.results.pageInfo?.hasNextPage
        ? (list.results.pageInfo.endCursor ?? undefined)
        : undefined;
      if (!cursor) return out;
    }
    throw ctx.error(
      "CONNECTOR_RESPONSE_INVALID",
      `Vanta listed more than ${MAX_LIST_PAGES} pages of uploads for document ${documentId}`,
    );
  }

  async function upload(documentId: string, file: EvidenceFile, pkg: EvidencePackage): Promise<Upload> {
    const description = uploadDescription(file, pkg);
    const { data } = await api({
      method: "POST",
      url: joinUrl(config.base_url, `/v1/documents/${encodeURIComponent(documentId)}/uploads`),
      // A fresh form per attempt; the part type is explicit, or Vanta stores a blank document.
      body: () => {
        const form = new FormData();
        form.append("file", new Blob([file.bytes], { type: file.mediaType }), file.name);
        form.append("effectiveAtDate", `${pkg.summary.period.to}T23:59:59.000Z`);
        form.append("description", description);
        return form;
      },
    });
    return parse(ctx, uploadSchema, data, `the upload of ${file.name}`);
  }

  async function submit(documentId: string): Promise<void> {
    await api({
      method: "POST",
      url: joinUrl(config.base_url, `/v1/documents/${encodeURIComponent(documentId)}/submit`),
    });
  }

  return { token, listUploads, upload, submit };
}

function route(
  config: VantaConfig,
  pkg: EvidencePackage,
): { byDocument: Map<string, EvidenceFile[]>; skipped: SkippedFile[] } {
  const byDocument = new Map<string, EvidenceFile[]>();
  const skipped: SkippedFile[] = [];
  for (const file of pkg.files) {
    const documentId = file.criterion ? config.documents[file.criterion] : undefined;
    if (!documentId) {
      skipped.push({
        file: file.name,
        reason: `no Vanta document is mapped to ${file.criterion ?? "this file"} (option documents)`,
      });
      continue;
    }
    byDocument.set(documentId, [...(byDocument.get(documentId) ?? []), file]);
  }
  return { byDocument, skipped };
}

/**
 * Vanta: uploads each file to the document its criterion maps to (`POST /v1/documents/{id}/uploads`,
 * multipart with an explicit part type), skipping files already uploaded with the same digest, and
 * optionally submits the document. One OAuth token per application, shared process-wide.
 */
export const vanta = defineConnector({
  name: "vanta",
  config: vantaConfigSchema,
  capabilities: { files: true, idempotent: true, csv: true, structured: false, remoteCheck: true },
  create(config, ctx) {
    const vantaApi = createVantaApi(config, ctx);
    return {
      async check() {
        const documents = [...new Set(Object.values(config.documents))];
        for (const documentId of documents) await vantaApi.listUploads(documentId);
        return { ok: true, detail: `token issued; documents ${documents.join(", ")} reachable` };
      },
      plan(pkg) {
        const { byDocument, skipped } = route(config, pkg);
        const files = [...byDocument].flatMap(([documentId, list]) =>
          list.map((file) => ({
            file: file.name,
            criterion: file.criterion,
            target: `POST /v1/documents/${documentId}/uploads (${file.mediaType}, ${file.size} bytes)`,
          })),
        );
        return { files, skipped };
      },
      async push(pkg) {
        const { byDocument, skipped } = route(config, pkg);
        const files: ReceiptFile[] = [];
        for (const [documentId, list] of byDocument) {
          const existing = await vantaApi.listUploads(documentId);
          let uploaded = false;
          for (const file of list) {
            const description = uploadDescription(file, pkg);
            const found = existing.find(
              (item) => item.fileName === file.name && item.description === description,
            );
            const stored = found ?? (await vantaApi.upload(documentId, file, pkg));
            if (!found) {
              existing.push(stored);
              uploaded = true;
            }
            files.push({
              file: file.name,
              criterion: file.criterion,
              remote_id: stored.id,
              ...(stored.url ? { url: stored.url } : {}),
              status: found ? "unchanged" : "created",
            });
          }
          if (uploaded && config.submit) await vantaApi.submit(documentId);
        }
        return { files, skipped };
      },
    };
  },
});
