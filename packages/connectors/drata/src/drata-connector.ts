import {
  type ConnectorContext,
  type CriterionKey,
  defineConnector,
  type EvidenceFile,
  type EvidencePackage,
  type ReceiptFile,
  type RemoteFileStatus,
  type SkippedFile,
} from "@iddio-compliance/connector-sdk";
import { type DrataConfig, drataApiRoot, drataConfigSchema } from "./config.ts";
import {
  createDrataApi,
  type DrataApi,
  type DrataArtifact,
  type DrataMutation,
  LANDED,
  type RemoteEvidence,
} from "./drata-api.ts";
import { evidenceDescription, evidenceName, fileMarker, renewalDate } from "./evidence-text.ts";

/** Reads and writes of one evidence item per push; each extra round means an earlier write had landed. */
const MAX_ROUNDS = 4;

function group(pkg: EvidencePackage): { groups: Map<CriterionKey, EvidenceFile[]>; skipped: SkippedFile[] } {
  const groups = new Map<CriterionKey, EvidenceFile[]>();
  const skipped: SkippedFile[] = [];
  for (const file of pkg.files) {
    if (!file.criterion) skipped.push({ file: file.name, reason: "belongs to no criterion" });
    else groups.set(file.criterion, [...(groups.get(file.criterion) ?? []), file]);
  }
  return { groups, skipped };
}

/** What a file needs: nothing, a new version of its artifact, or a new artifact. */
interface Decision {
  file: EvidenceFile;
  status: RemoteFileStatus;
  artifact?: DrataArtifact;
}

/** The UTC day of a Drata date or date-time (`2026-06-30` or `2026-06-30T23:59:59.000Z`). */
function utcDay(value: string | null): string | undefined {
  const time = value === null ? Number.NaN : Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 10);
}

/**
 * Compares what Drata holds with the package. A file is there when its artifact's current version is
 * filed on the period's last day and the evidence description carries the file's digest: both are
 * written by the same request, so a write that landed before its answer was lost is recognised.
 */
function decide(remote: RemoteEvidence | undefined, files: EvidenceFile[], pkg: EvidencePackage): Decision[] {
  return files.map((file) => {
    const artifact = remote?.artifacts.find((item) => item.artifactName === file.name);
    if (!artifact) return { file, status: "created" };
    const current =
      utcDay(artifact.filedAt) === pkg.summary.period.to && !!remote?.description?.includes(fileMarker(file));
    return { file, status: current ? "unchanged" : "updated", artifact };
  });
}

const sameDecisions = (a: Decision[], b: Decision[]) =>
  a.every((item, i) => item.status === b[i]?.status && item.artifact?.id === b[i]?.artifact?.id);

function assertComplete(ctx: ConnectorContext, result: DrataMutation, name: string): void {
  if (result.artifactsCreated < result.artifactsRequested) {
    throw ctx.error(
      "CONNECTOR_PARTIAL_FAILURE",
      `Drata stored ${result.artifactsCreated} of ${result.artifactsRequested} artifacts for evidence "${name}" (id ${result.id}); pushing again adds the missing ones`,
      { retryable: true },
    );
  }
}

/** Pushes the files of one criterion to its evidence item, looking at Drata before every write. */
async function pushCriterion(
  api: DrataApi,
  ctx: ConnectorContext,
  config: DrataConfig,
  pkg: EvidencePackage,
  criterion: CriterionKey,
  files: EvidenceFile[],
): Promise<ReceiptFile[]> {
  const name = evidenceName(criterion);
  const description = evidenceDescription(criterion, pkg, files);
  const filedAt = `${pkg.summary.period.to}T23:59:59.000Z`;
  const controlIds = config.control_ids[criterion] ?? [];
  let first: Decision[] | undefined;

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const remote = await api.readEvidence(name);
    const decisions = decide(remote, files, pkg);
    first ??= decisions;
    const receipt = (evidenceId: number, artifacts: Array<{ id: number; artifactName: string | null }>) =>
      files.map((file, i): ReceiptFile => {
        const artifact = artifacts.find((item) => item.artifactName === file.name);
        return {
          file: file.name,
          criterion,
          remote_id: artifact ? `${evidenceId}/${artifact.id}` : String(evidenceId),
          status: first?.[i]?.status ?? "unchanged",
        };
      });
    const todo = decisions.filter((decision) => decision.status !== "unchanged");
    if (remote && todo.length === 0) return receipt(remote.id, remote.artifacts);

    const uploads: Array<Decision & { fileKey: string }> = [];
    for (const decision of todo) uploads.push({ ...decision, fileKey: await api.uploadFile(decision.file) });
    const artifact = ({ file, fileKey }: { file: EvidenceFile; fileKey: string }) => ({
      artifactName: file.name,
      fileKey,
      filedAt,
    });

    let result: DrataMutation | typeof LANDED;
    if (!remote) {
      const renewal = renewalDate(pkg.summary.period.to, config.renewal_schedule);
      result = await api.createEvidence(
        {
          name,
          description,
          // A create request names the artifact kind `type`.
          artifacts: uploads.map((upload) => ({ type: "S3_FILE", ...artifact(upload) })),
          controlIds,
          renewalScheduleType: config.renewal_schedule,
          ...(renewal ? { renewalDate: renewal } : {}),
        },
        async () => (await api.readEvidence(name)) !== undefined,
      );
    } else {
      const replace = uploads.filter((upload) => upload.artifact);
      const add = uploads.filter((upload) => !upload.artifact);
      result = await api.updateEvidence(
        remote.id,
        {
          description,
          // Update requests name the artifact kind `artifactType`; a replacement names the artifact chain.
          ...(replace.length
            ? {
                replaceArtifacts: replace.map((upload) => ({
                  artifactType: "S3_FILE",
                  ...artifact(upload),
                  existingArtifactId: upload.artifact?.id,
                })),
              }
            : {}),
          ...(add.length
            ? { newArtifacts: add.map((upload) => ({ artifactType: "S3_FILE", ...artifact(upload) })) }
            : {}),
          ...(controlIds.length ? { controlIds } : {}),
        },
        async () => !sameDecisions(decide(await api.readEvidence(name), files, pkg), decisions),
      );
    }
    if (result === LANDED) {
      ctx.logger.debug("drata carried out an earlier attempt; reading the evidence again", { name });
      continue;
    }
    assertComplete(ctx, result, name);
    const known = [...result.artifacts, ...(remote?.artifacts ?? [])];
    return receipt(result.id, known);
  }
  throw ctx.error(
    "CONNECTOR_PARTIAL_FAILURE",
    `Drata's evidence "${name}" changed under every one of ${MAX_ROUNDS} writes; pushing again completes it`,
    { retryable: true },
  );
}

/**
 * Drata (API v2): one evidence item per criterion, one artifact per file. The first push uploads the
 * files and creates the evidence linked to `control_ids`; a later period adds a new version of each
 * artifact (`replaceArtifacts`) on the same evidence, found again by name, never by local state. Every
 * write is preceded by a look at what Drata holds, so a push repeated after a crash, a lost answer or
 * a dropped connection adds nothing twice.
 */
export const drata = defineConnector({
  name: "drata",
  config: drataConfigSchema,
  capabilities: { files: true, idempotent: true, csv: true, structured: false, remoteCheck: true },
  create(config, ctx) {
    const api = createDrataApi(config, ctx);
    return {
      async check() {
        await api.ping();
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
        const files: ReceiptFile[] = [];
        for (const [criterion, list] of groups)
          files.push(...(await pushCriterion(api, ctx, config, pkg, criterion, list)));
        return { files, skipped };
      },
    };
  },
});
