import {
  type ConnectorContext,
  type CriterionKey,
  defineConnector,
  type EvidenceFile,
  type EvidencePackage,
  type ReceiptFile,
  type SkippedFile,
} from "@iddio-compliance/connector-sdk";
import { z } from "zod";
import { type DrataConfig, drataApiRoot, drataConfigSchema } from "./config.ts";
import { evidenceDescription, evidenceName, fileMarker, renewalDate } from "./evidence-text.ts";

const id = z.union([z.number(), z.string()]).transform(String);
const artifactSchema = z.looseObject({ id, artifactName: z.string().nullish() });
const evidenceSchema = z.looseObject({
  id,
  name: z.string(),
  description: z.string().nullish(),
  artifacts: z.array(artifactSchema).nullish(),
  artifactsRequested: z.number().optional(),
  artifactsCreated: z.number().optional(),
});
const evidenceListSchema = z.object({
  data: z.array(evidenceSchema),
  pagination: z.object({ cursor: z.string().nullish() }).optional(),
});
const fileKeySchema = z.looseObject({ fileKey: z.string().min(1) });
type Evidence = z.infer<typeof evidenceSchema>;

const MAX_LIST_PAGES = 20;

/** Drata ids are numbers; keep a non-numeric id as it came. */
function numericId(value: string | undefined): number | string | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : value;
}

function parse<T>(ctx: ConnectorContext, schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw ctx.error(
      "CONNECTOR_RESPONSE_INVALID",
      `Drata answered ${what} with an unexpected body: ${result.error.issues[0]?.message}`,
    );
  return result.data;
}

function group(pkg: EvidencePackage): { groups: Map<CriterionKey, EvidenceFile[]>; skipped: SkippedFile[] } {
  const groups = new Map<CriterionKey, EvidenceFile[]>();
  const skipped: SkippedFile[] = [];
  for (const file of pkg.files) {
    if (!file.criterion) skipped.push({ file: file.name, reason: "belongs to no criterion" });
    else groups.set(file.criterion, [...(groups.get(file.criterion) ?? []), file]);
  }
  return { groups, skipped };
}

function createDrataApi(config: DrataConfig, ctx: ConnectorContext) {
  const root = `${drataApiRoot(config)}/workspaces/${config.workspace_id}`;
  const headers = { authorization: `Bearer ${config.api_key}`, accept: "application/json" };

  async function findEvidence(name: string): Promise<Evidence | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const { data } = await ctx.http.request({
        url: `${root}/evidence`,
        headers,
        searchParams: { name, size: 50, cursor, "expand[]": ["artifacts"] },
      });
      const list = parse(ctx, evidenceListSchema, data, "the evidence list");
      // `name` is a prefix match: keep the exact one.
      const found = list.data.find((item) => item.name === name);
      if (found) return found;
      cursor = list.pagination?.cursor ?? undefined;
      if (!cursor) return undefined;
    }
    throw ctx.error(
      "CONNECTOR_RESPONSE_INVALID",
      `Drata listed more than ${MAX_LIST_PAGES} pages of evidence named "${name}"`,
    );
  }

  async function uploadFile(file: EvidenceFile): Promise<string> {
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
    return parse(ctx, fileKeySchema, data, `the upload of ${file.name}`).fileKey;
  }

  async function createEvidence(body: Record<string, unknown>): Promise<Evidence> {
    const { data } = await ctx.http.request({ method: "POST", url: `${root}/evidence`, headers, json: body });
    return parse(ctx, evidenceSchema, data, "the evidence creation");
  }

  async function updateEvidence(evidenceId: string, body: Record<string, unknown>): Promise<Evidence> {
    const { data } = await ctx.http.request({
      method: "PUT",
      url: `${root}/evidence/${encodeURIComponent(evidenceId)}`,
      headers,
      json: body,
    });
    return parse(ctx, evidenceSchema, data, "the evidence update");
  }

  async function ping(): Promise<void> {
    await ctx.http.request({ url: `${root}/evidence`, headers, searchParams: { size: 1 } });
  }

  return { findEvidence, uploadFile, createEvidence, updateEvidence, ping };
}

function assertComplete(ctx: ConnectorContext, evidence: Evidence, name: string): void {
  const { artifactsRequested: requested, artifactsCreated: created } = evidence;
  if (requested !== undefined && created !== undefined && created < requested) {
    throw ctx.error(
      "CONNECTOR_PARTIAL_FAILURE",
      `Drata stored ${created} of ${requested} artifacts for evidence "${name}" (id ${evidence.id}); pushing again adds the missing ones`,
      { retryable: true },
    );
  }
}

function receiptFiles(
  evidence: Evidence,
  files: EvidenceFile[],
  status: ReceiptFile["status"] | ((file: EvidenceFile) => ReceiptFile["status"]),
): ReceiptFile[] {
  return files.map((file) => {
    const artifact = evidence.artifacts?.find((item) => item.artifactName === file.name);
    return {
      file: file.name,
      criterion: file.criterion,
      remote_id: artifact ? `${evidence.id}/${artifact.id}` : evidence.id,
      status: typeof status === "function" ? status(file) : status,
    };
  });
}

/**
 * Drata (API v2): one evidence item per criterion, one artifact per file. The first push uploads the
 * files and creates the evidence linked to `control_ids`; a later period adds a new version of each
 * artifact (`replaceArtifacts`) on the same evidence, found again by name, never by local state.
 */
export const drata = defineConnector({
  name: "drata",
  config: drataConfigSchema,
  capabilities: { files: true, idempotent: true, csv: true, structured: false, remoteCheck: true },
  create(config, ctx) {
    const drataApi = createDrataApi(config, ctx);
    return {
      async check() {
        await drataApi.ping();
        return {
          ok: true,
          detail: `workspace ${config.workspace_id} evidence library reachable at ${drataApiRoot(config)}`,
        };
      },
      plan(pkg) {
        const { groups, skipped } = group(pkg);
        const files = [...groups].flatMap(([criterion, list]) =>
          list.map((file) => ({
            file: file.name,
            criterion,
            target: `evidence "${evidenceName(criterion)}" in workspace ${config.workspace_id}`,
          })),
        );
        return { files, skipped };
      },
      async push(pkg) {
        const { groups, skipped } = group(pkg);
        const out: ReceiptFile[] = [];
        for (const [criterion, files] of groups) {
          const name = evidenceName(criterion);
          const description = evidenceDescription(criterion, pkg, files);
          const existing = await drataApi.findEvidence(name);
          const hasArtifact = (evidence: Evidence, file: EvidenceFile) =>
            evidence.artifacts?.some((item) => item.artifactName === file.name) ?? false;
          if (
            existing &&
            files.every(
              (file) => existing.description?.includes(fileMarker(file)) && hasArtifact(existing, file),
            )
          ) {
            out.push(...receiptFiles(existing, files, "unchanged"));
            continue;
          }
          const filedAt = `${pkg.summary.period.to}T23:59:59.000Z`;
          const artifacts: Array<{ file: EvidenceFile; artifact: Record<string, unknown> }> = [];
          for (const file of files) {
            const fileKey = await drataApi.uploadFile(file);
            artifacts.push({
              file,
              artifact: { type: "S3_FILE", artifactName: file.name, fileKey, filedAt },
            });
          }
          const controlIds = config.control_ids[criterion] ?? [];
          if (!existing) {
            const renewal = renewalDate(pkg.summary.period.to, config.renewal_schedule);
            const created = await drataApi.createEvidence({
              name,
              description,
              artifacts: artifacts.map((item) => item.artifact),
              controlIds,
              renewalScheduleType: config.renewal_schedule,
              ...(renewal ? { renewalDate: renewal } : {}),
            });
            assertComplete(ctx, created, name);
            out.push(...receiptFiles(created, files, "created"));
            continue;
          }
          const replace = artifacts.filter(({ file }) => hasArtifact(existing, file));
          const added = artifacts.filter(({ file }) => !hasArtifact(existing, file));
          const updated = await drataApi.updateEvidence(existing.id, {
            description,
            ...(replace.length
              ? {
                  replaceArtifacts: replace.map(({ file, artifact }) => ({
                    ...artifact,
                    existingArtifactId: numericId(
                      existing.artifacts?.find((a) => a.artifactName === file.name)?.id,
                    ),
                  })),
                }
              : {}),
            ...(added.length ? { newArtifacts: added.map(({ artifact }) => artifact) } : {}),
            ...(controlIds.length ? { controlIds } : {}),
          });
          assertComplete(ctx, updated, name);
          out.push(
            ...receiptFiles(updated, files, (file) => (hasArtifact(existing, file) ? "updated" : "created")),
          );
        }
        return { files: out, skipped };
      },
    };
  },
});
