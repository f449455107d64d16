import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type {
  AuditLogIntegrity,
  Checkpoint,
  CheckpointState,
  EvidenceSummary,
  ManifestEntry,
} from "@iddio-compliance/schema";
import { ComplianceError } from "../errors/compliance-error.ts";
import { assertResumable, buildCheckpoint, CHECKPOINT_FILE } from "../package/checkpoint-file.ts";
import { MerkleBuilder } from "../package/merkle-tree.ts";
import { merkleSummary, PeriodEvents } from "../package/period-events.ts";
import { assertFollows } from "../package/previous-link.ts";
import { summarySigning, writeSummarySignature } from "../package/signing.ts";
import type { AuditLineSource } from "../sources/audit-line-source.ts";
import { jsonlSource } from "../sources/jsonl-source.ts";
import { type ChainCut, type ChainResume, readAuditChain } from "../sources/read-audit-chain.ts";
import { readHomeInputs } from "../sources/read-home-inputs.ts";
import { makePeriod } from "../time/period.ts";
import { AtomicDir } from "../writers/atomic-dir.ts";
import { buildSummary, summaryCsvRows } from "../writers/build-summary.ts";
import { csvRows } from "../writers/csv-cells.ts";
import { FileSink } from "../writers/file-sink.ts";
import { writeJsonDocument } from "../writers/json-writer.ts";
import { createSpoolDir } from "../writers/spool.ts";
import { writeCsvPackage } from "../writers/write-csv-package.ts";
import { writeJsonPackage } from "../writers/write-json-package.ts";
import { writeReport } from "../writers/write-report.ts";
import { checkInvariants } from "./check-invariants.ts";
import type { ExportEvidenceOptions, ExportEvidenceResult } from "./export-options.ts";
import { MappingSession } from "./mapping-session.ts";
import { defaultMappingThread, MappingThread } from "./mapping-thread.ts";

/**
 * Exports one period's SOC 2 evidence package from an iddio audit log: one streaming pass reads,
 * verifies and maps every record, then the files are written into a temporary sibling of
 * `options.output` and renamed into place, `summary.json` (with the manifest) last.
 */
export async function exportEvidence(options: ExportEvidenceOptions): Promise<ExportEvidenceResult> {
  if (options.format !== "json" && options.format !== "csv") {
    throw new ComplianceError(
      "INVALID_OPTION",
      `--format: unknown format "${String(options.format)}" (expected json or csv)`,
      { subject: "--format" },
    );
  }
  const period = makePeriod(options.from, options.to, options.timeZone ?? "UTC");
  if (options.previous) assertFollows(options.previous, period);
  const source = typeof options.source === "string" ? jsonlSource(options.source) : options.source;
  const resumed = options.resumeFrom ? await resumeOf(options, period, source) : null;
  const resume = resumed && "resume" in resumed ? resumed : null;
  const home = options.home ?? source.home;
  const inputs = home === null ? emptyInputs() : readHomeInputs(home);
  const now = (options.now ?? (() => new Date()))();
  const output = resolve(options.output);
  const dir = AtomicDir.create(output);
  const spoolDir = createSpoolDir(dir.staging);
  let mapping: MappingSession | MappingThread | null = null;
  try {
    const setup = {
      from: options.from,
      to: options.to,
      timeZone: period.timeZone,
      format: options.format,
      inputs,
      spoolDir,
      now,
      carried: resume?.state,
    };
    mapping =
      (options.mappingThread ?? defaultMappingThread(source.totalBytes))
        ? new MappingThread(setup)
        : new MappingSession(setup);
    const readOptions = {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.hashThreads !== undefined ? { hashThreads: options.hashThreads } : {}),
      now: () => now,
    };
    // The period's events go into its Merkle tree in the same pass, before the mappers get the block.
    const tree = new MerkleBuilder();
    const segment = new PeriodEvents({
      period,
      consumer: tree,
      inner: mapping,
      anchor: options.anchor,
      resumeAt: resume?.resume.verifier.state.events,
    });
    // The checkpoint of this period's end, taken in the same pass (docs/data-contract.md §6).
    let cut: ChainCut | null = null;
    let carried: CheckpointState | null = null;
    const mapper = mapping;
    const integrity = await readAuditChain(source, segment, {
      ...readOptions,
      ...(resume ? { resume: resume.resume } : options.anchor ? { anchor: options.anchor } : {}),
      checkpoint: {
        endMs: period.endMs,
        take: async (at) => {
          cut = at;
          carried = await mapper.carry();
        },
      },
    });
    const merkle = merkleSummary(tree.root(), segment.bounds());
    integrity.merkle = merkle;
    if (integrity.total_events === 0 && Object.keys(integrity.finding_counts).length === 0) {
      throw new ComplianceError("SOURCE_EMPTY", `the audit log in "${source.location}" holds no events`, {
        subject: source.location,
      });
    }
    for (const ledger of options.ledgers ?? []) {
      mergeLedger(integrity, await readAuditChain(jsonlSource(ledger), mapping, readOptions));
    }
    if (options.signal?.aborted) throw new ComplianceError("ABORTED", "stopped: the operation was aborted");

    const mapped = await mapping.finish(integrity);
    const docs = { ...mapped.docs, integrity };
    const sourceInfo = { type: source.type, location: source.location, org_id: source.orgId };
    const summaryOf = (manifest: ManifestEntry[]): EvidenceSummary => {
      const { manifest: _, ...built } = buildSummary({
        docs,
        format: options.format,
        source: sourceInfo,
        generatedAt: now,
        unrecognised: mapped.unrecognised,
        manifest,
      });
      // What makes the package checkable on its own (DESIGN §11), then the manifest, last.
      return {
        ...built,
        signing: options.sign ? summarySigning(options.sign) : null,
        merkle,
        previous: options.previous ?? null,
        manifest,
      };
    };
    // The evidence checks its own arithmetic before a byte of it is written.
    const violations = checkInvariants(docs, summaryOf([]));
    if (violations.length > 0) {
      const list = violations
        .map((v) => `${v.rule} (expected ${JSON.stringify(v.expected)}, found ${JSON.stringify(v.actual)})`)
        .join("; ");
      throw new ComplianceError(
        "INVARIANT_VIOLATED",
        `internal error: the evidence does not add up, so no package was written: ${list}`,
        { subject: output },
      );
    }
    const manifest: ManifestEntry[] =
      options.format === "json"
        ? await writeJsonPackage(dir.staging, docs)
        : await writeCsvPackage(dir.staging, docs);
    const checkpoint: Checkpoint = buildCheckpoint({
      period: mapped.docs.cc61.period,
      endMs: period.endMs,
      source,
      cut: cut as unknown as ChainCut,
      state: carried as unknown as CheckpointState,
    });
    const checkpointSink = new FileSink(join(dir.staging, CHECKPOINT_FILE));
    await writeJsonDocument(checkpointSink, checkpoint);
    const checkpointEntry = {
      file: CHECKPOINT_FILE,
      media_type: "application/json" as const,
      ...checkpointSink.close(),
    };
    manifest.push(checkpointEntry);
    let summary = summaryOf(manifest);
    if (options.format === "csv") {
      const sink = new FileSink(join(dir.staging, "summary.csv"));
      await sink.write(csvRows(summaryCsvRows(summary)));
      manifest.push({ file: "summary.csv", media_type: "text/csv", ...sink.close() });
    }
    if (options.report !== false) {
      manifest.push(await writeReport(dir.staging, docs, summary));
      summary = { ...summary, manifest };
    }
    const sink = new FileSink(join(dir.staging, "summary.json"));
    await writeJsonDocument(sink, summary);
    sink.close();
    if (options.sign) writeSummarySignature(dir.staging, options.sign);
    if (options.signal?.aborted) throw new ComplianceError("ABORTED", "stopped: the operation was aborted");
    dir.commit();
    return {
      dir: output,
      summary,
      verified: integrity.verified,
      chainHead: integrity.chain_head,
      totalEvents: integrity.total_events,
      checkpointSha256: checkpointEntry.sha256,
      resume: {
        resumed: resume !== null,
        fallback: resumed && "fallback" in resumed ? resumed.fallback : null,
      },
    };
  } catch (error) {
    dir.discard();
    throw error;
  } finally {
    if (mapping instanceof MappingThread) await mapping.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/**
 * Where a resumed export starts: the checkpoint's line found again in the log, with the state it
 * carries; or why it cannot be used (then the whole log is read: never a silently wrong resume).
 * Throws `INVALID_OPTION` for a checkpoint that cannot stand for this period or source at all.
 */
async function resumeOf(
  options: ExportEvidenceOptions,
  period: ReturnType<typeof makePeriod>,
  source: AuditLineSource,
): Promise<{ resume: ChainResume; state: CheckpointState } | { fallback: string }> {
  const loaded = options.resumeFrom;
  if (!loaded) throw new Error("unreachable: no checkpoint");
  assertResumable(loaded, period, source);
  const { checkpoint, sha256 } = loaded;
  const position = checkpoint.position;
  if (!position)
    return {
      fallback: `the checkpoint ${loaded.path} names no line to resume after, so the whole log was read`,
    };
  if (!source.locate) return { fallback: `the source ${source.location} cannot resume from a checkpoint` };
  const located = await source.locate(position);
  if ("missing" in located)
    return {
      fallback: `${located.missing}; the checkpoint ${loaded.path} was not used and the whole log was read`,
    };
  return {
    resume: { point: located.found, verifier: { state: checkpoint.chain, checkpointSha256: sha256 } },
    state: checkpoint.state,
  };
}

function emptyInputs() {
  return { home: "", policy: null, tokens: null, agentCerts: null, proxyCert: null, recordings: null };
}

/** Adds a ledger's verification to the audit log's: its files and findings, and its verdict. */
function mergeLedger(integrity: AuditLogIntegrity, ledger: AuditLogIntegrity): void {
  integrity.files.push(...ledger.files);
  integrity.findings.push(...ledger.findings);
  integrity.findings_omitted += ledger.findings_omitted;
  for (const [kind, n] of Object.entries(ledger.finding_counts))
    integrity.finding_counts[kind] = (integrity.finding_counts[kind] ?? 0) + n;
  // An empty ledger (a plugin that has recorded nothing yet) proves nothing and breaks nothing.
  const empty = ledger.total_events === 0 && ledger.findings.length === 0;
  if (!empty) integrity.verified = integrity.verified && ledger.verified;
}
