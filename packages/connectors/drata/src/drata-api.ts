import {
  type ConnectorContext,
  type EvidenceFile,
  type HttpRequest,
  parseResponse,
} from "@iddio-compliance/connector-sdk";
import { z } from "zod";
import { type DrataConfig, drataApiRoot } from "./config.ts";

// Response shapes of Drata's public API v2 (Evidence tag), as its OpenAPI publishes them
// (/work/shared/reference/grc-apis.md §2.3). Unknown fields are kept; documented ones are checked.

/** `EvidenceArtifactResponsePublicV2Dto`: an artifact at its current version. */
const artifactSchema = z.looseObject({
  id: z.number(),
  artifactName: z.string().nullable(),
  filedAt: z.string().nullable(),
  archivedAt: z.string().nullish(),
});
const cursorSchema = z.object({ cursor: z.string().nullable() });

/** `EvidenceResponsePublicV2Dto`; `expand[]=artifacts` adds `{data: [at most 10], totalCount}`. */
const evidenceSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  description: z.string().nullable(),
  artifacts: z.object({ data: z.array(artifactSchema), totalCount: z.number() }).optional(),
});
const evidenceListSchema = z.object({ data: z.array(evidenceSchema), pagination: cursorSchema });
const artifactListSchema = z.object({ data: z.array(artifactSchema), pagination: cursorSchema });

/** `EvidenceMutationResponsePublicV2Dto`: create and update answers list the artifacts as an array. */
const mutationSchema = z.looseObject({
  id: z.number(),
  artifactsRequested: z.number(),
  artifactsCreated: z.number(),
  artifacts: z.array(z.looseObject({ id: z.number(), artifactName: z.string().nullable() })),
});
const fileKeySchema = z.looseObject({ fileKey: z.string().min(1) });

/** An artifact as Drata lists it. */
export type DrataArtifact = z.infer<typeof artifactSchema>;
/** The answer to a create or an update. */
export type DrataMutation = z.infer<typeof mutationSchema>;

/** What Drata holds for one evidence name: the item and its active (not archived) artifacts. */
export interface RemoteEvidence {
  id: number;
  description: string | null;
  artifacts: DrataArtifact[];
}

/** The write's earlier attempt turned out to have been carried out: read again before writing anything. */
export const LANDED = Symbol("landed");

const PAGE_SIZE = 50;
const MAX_PAGES = 100;

/** The Drata v2 calls the connector makes, with Drata's response shapes checked. */
export function createDrataApi(config: DrataConfig, ctx: ConnectorContext) {
  const root = `${drataApiRoot(config)}/workspaces/${config.workspace_id}`;
  const headers = { authorization: `Bearer ${config.api_key}`, accept: "application/json" };

  const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T =>
    parseResponse(ctx, "Drata", schema, value, what);

  /** Follows `pagination.cursor` until it is null, at most {@link MAX_PAGES} pages. */
  async function pages<T>(
    what: string,
    fetchPage: (cursor: string | undefined) => Promise<{ data: T[]; pagination: { cursor: string | null } }>,
    stop: (item: T) => boolean = () => false,
  ): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = await fetchPage(cursor);
      out.push(...list.data);
      if (list.data.some(stop)) return out;
      cursor = list.pagination.cursor ?? undefined;
      if (!cursor) return out;
    }
    throw ctx.error("CONNECTOR_RESPONSE_INVALID", `Drata listed more than ${MAX_PAGES} pages of ${what}`);
  }

  /** The active artifacts of an evidence item, through the artifacts endpoint (every page). */
  function listArtifacts(evidenceId: number): Promise<DrataArtifact[]> {
    return pages(`artifacts of evidence ${evidenceId}`, async (cursor) => {
      const { data } = await ctx.http.request({
        url: `${root}/evidence/${evidenceId}/artifacts`,
        headers,
        searchParams: { size: PAGE_SIZE, cursor, isArchived: false },
      });
      return parse(artifactListSchema, data, `the artifacts of evidence ${evidenceId}`);
    });
  }

  /**
   * The evidence named exactly `name` and its active artifacts. The list expands artifacts as a
   * subcollection of at most 10; when it holds more, the artifacts endpoint lists them all.
   */
  async function readEvidence(name: string): Promise<RemoteEvidence | undefined> {
    const listed = await pages(
      `evidence named "${name}"`,
      async (cursor) => {
        const { data } = await ctx.http.request({
          url: `${root}/evidence`,
          headers,
          searchParams: { name, size: PAGE_SIZE, cursor, "expand[]": ["artifacts"] },
        });
        return parse(evidenceListSchema, data, "the evidence list");
      },
      // `name` is a prefix match: keep the exact one.
      (item) => item.name === name,
    );
    const found = listed.find((item) => item.name === name);
    if (!found) return undefined;
    const expanded = found.artifacts ?? { data: [], totalCount: Number.POSITIVE_INFINITY };
    const artifacts =
      expanded.totalCount > expanded.data.length ? await listArtifacts(found.id) : expanded.data;
    return {
      id: found.id,
      description: found.description,
      artifacts: artifacts.filter((artifact) => !artifact.archivedAt),
    };
  }

  async function uploadFile(file: EvidenceFile): Promise<string> {
    // A pre-upload that lands twice leaves an unused file key, never a second artifact: retrying is safe.
    const { data } = await ctx.http.request({
      method: "POST",
      url: `${root}/evidence-files`,
      headers,
      body: () => {
        const form = new FormData();
        form.append("file", new Blob([file.bytes], { type: file.mediaType }), file.name);
        return form;
      },
    });
    return parse(fileKeySchema, data, `the upload of ${file.name}`).fileKey;
  }

  /**
   * Sends a write that must not be carried out twice. Before each retry it asks `landed` whether the
   * previous attempt was carried out after all (its answer lost to a 5xx, a timeout or a dropped
   * connection); if so it stops and returns {@link LANDED}, so the caller reads again instead of
   * writing the same thing a second time.
   */
  async function writeOnce(
    request: Omit<HttpRequest, "headers">,
    landed: () => Promise<boolean>,
    what: string,
  ): Promise<DrataMutation | typeof LANDED> {
    const stop = new Error("the earlier attempt was carried out");
    try {
      const { data } = await ctx.http.request({
        ...request,
        headers: async (attempt) => {
          if (attempt > 1 && (await landed())) throw stop;
          return headers;
        },
      });
      return parse(mutationSchema, data, what);
    } catch (error) {
      if (error === stop) return LANDED;
      throw error;
    }
  }

  function createEvidence(body: Record<string, unknown>, landed: () => Promise<boolean>) {
    return writeOnce(
      { method: "POST", url: `${root}/evidence`, json: body },
      landed,
      "the evidence creation",
    );
  }

  function updateEvidence(evidenceId: number, body: Record<string, unknown>, landed: () => Promise<boolean>) {
    return writeOnce(
      { method: "PUT", url: `${root}/evidence/${evidenceId}`, json: body },
      landed,
      "the evidence update",
    );
  }

  async function ping(): Promise<void> {
    await ctx.http.request({ url: `${root}/evidence`, headers, searchParams: { size: 1 } });
  }

  return { readEvidence, uploadFile, createEvidence, updateEvidence, ping };
}

/** The Drata API client of one connector instance. */
export type DrataApi = ReturnType<typeof createDrataApi>;
