import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AuditLogIntegrity, EvidenceSummary, ManifestEntry } from "@iddio-compliance/schema";
import { ComplianceError } from "../errors/compliance-error.ts";
import { MerkleBuilder } from "../package/merkle-tree.ts";
import { merkleSummary, PeriodEvents } from "../package/period-events.ts";
import { assertFollows } from "../package/previous-link.ts";
import { summarySigning, writeSummarySignature } from "../package/signing.ts";
import { jsonlSource } from "../sources/jsonl-source.ts";
import { readAuditChain } from "../sources/read-audit-chain.ts";
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
    const segment = new PeriodEvents({ period, consumer: tree, inner: mapping, anchor: options.anchor });
    const integrity = await readAuditChain(source, segment, {
      ...readOptions,
      ...(options.anchor ? { anchor: options.anchor } : {}),
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
    };
  } catch (error) {
    dir.discard();
    throw error;
  } finally {
    if (mapping instanceof MappingThread) await mapping.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
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
