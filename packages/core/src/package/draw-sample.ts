import { renameSync, writeFileSync } from "node:fs";
import type { AuditLogIntegrity, SampleFile } from "@iddio-compliance/schema";
import { ComplianceError } from "../errors/compliance-error.ts";
import type { ChainAnchor } from "../export/export-options.ts";
import type { AuditLineSource } from "../sources/audit-line-source.ts";
import { jsonlSource } from "../sources/jsonl-source.ts";
import { readAuditChain } from "../sources/read-audit-chain.ts";
import { makePeriod } from "../time/period.ts";
import { csvRows } from "../writers/csv-cells.ts";
import { jsonPointer } from "./meaning.ts";
import { eventLeafHash, InclusionProofs, MerkleBuilder } from "./merkle-tree.ts";
import { PeriodEvents, type SegmentLine } from "./period-events.ts";
import { readPackageJson } from "./read-package.ts";
import { POPULATIONS, type PopulationName } from "./sample-populations.ts";
import { SELECTION_ALGORITHM, selectionKey, selectPositions } from "./sample-selection.ts";
import { verifyPackage } from "./verify-package.ts";

/** Options of {@link drawSample}. */
export interface DrawSampleOptions {
  /** The evidence package (a JSON package) the sample is drawn from. */
  package: string;
  /** The audit log the package was exported from (as for `exportEvidence`). */
  source: string | AuditLineSource;
  /** What to sample. */
  population: PopulationName;
  /** How many items (all of them when the population is smaller). */
  size: number;
  /** Any text the auditor chooses; the same seed gives the same sample. */
  seed: string;
  /** The sample file to write (JSON); a `.csv` of the same name is written beside it. */
  output: string;
  /** Clock for `drawn_at`. @default () => new Date() */
  now?: () => Date;
  /** Hashing worker threads (as for `exportEvidence`). */
  hashThreads?: number;
}

/** What {@link drawSample} wrote. */
export interface DrawSampleResult {
  file: string;
  csvFile: string;
  sample: SampleFile;
}

/** The `.csv` written beside a sample file. */
function sampleCsvPath(file: string): string {
  return file.endsWith(".json") ? `${file.slice(0, -5)}.csv` : `${file}.csv`;
}

/**
 * Draws a reproducible sample of a package's population from the log it was exported from: the
 * positions come from the seed and the package's summary digest (see `selectPositions`); each
 * drawn item carries its evidence row, its original log line, its event index and an RFC 6962
 * inclusion proof against the package's Merkle root. Refuses a package that is not intact or a
 * log that does not give the package's root.
 */
export async function drawSample(options: DrawSampleOptions): Promise<DrawSampleResult> {
  const verdict = await verifyPackage(options.package);
  const fail = (subject: string, message: string) =>
    new ComplianceError("INVALID_OPTION", message, { subject });
  if (!verdict.ok)
    throw new ComplianceError(
      "PACKAGE_INVALID",
      `${options.package}: the package is not intact (${verdict.problems.length} problem(s): run verify-package)`,
      { subject: options.package },
    );
  const summary = verdict.summary;
  const merkle = summary.merkle;
  if (!merkle)
    throw fail(
      options.package,
      `${options.package}: the package has no Merkle root (exported by an older version)`,
    );
  if (summary.format !== "json")
    throw fail(options.package, `${options.package}: draw needs a JSON package (export --format json)`);
  if (!Number.isSafeInteger(options.size) || options.size < 1)
    throw fail("--size", `--size: "${options.size}" is not a positive whole number`);
  const integrity = readPackageJson(options.package, summary.integrity.file) as AuditLogIntegrity;
  const period = makePeriod(summary.period.from, summary.period.to, summary.period.time_zone);
  const anchor: ChainAnchor | undefined =
    integrity.anchor.type === "checkpoint" && integrity.anchor.hash
      ? { hash: integrity.anchor.hash, events: integrity.anchor.events_before }
      : undefined;
  const source = typeof options.source === "string" ? jsonlSource(options.source) : options.source;
  const spec = POPULATIONS[options.population];
  const key = selectionKey(options.population, verdict.summarySha256, options.seed);

  /** Reads the period's segment of the log once, feeding `consumer` and `onLine`. */
  const pass = async (consumer: MerkleBuilder, onLine: (line: SegmentLine) => void) => {
    const segment = new PeriodEvents({ period, consumer, inner: null, anchor, onLine });
    await readAuditChain(source, segment, {
      ...(options.hashThreads !== undefined ? { hashThreads: options.hashThreads } : {}),
    });
    if (consumer.size !== merkle.size || consumer.root().toString("hex") !== merkle.root)
      throw fail(
        "--source",
        `--source: the log in "${source.location}" does not give this package's Merkle root (${merkle.size} events, root ${merkle.root}; the log gives ${consumer.size} events, root ${consumer.root().toString("hex")}): another log, or the log was rewritten`,
      );
  };

  // Which positions, and how an event of the segment maps to a position.
  let populationSize: number;
  let rows: unknown[] = [];
  let sourceName: string;
  let positionOf: (line: SegmentLine, leaf: number) => number | undefined;
  if (spec.kind === "segment") {
    populationSize = merkle.size;
    sourceName = "the period's events (Merkle tree leaves)";
    positionOf = (_line, leaf) => leaf;
  } else if (spec.kind === "list") {
    const list = jsonPointer(readPackageJson(options.package, spec.file), spec.pointer);
    if (!Array.isArray(list)) throw fail(options.package, `${spec.file}: nothing at ${spec.pointer}`);
    rows = list;
    populationSize = list.length;
    sourceName = `${spec.file}#${spec.pointer}`;
    const byLine = new Map<string, number>();
    list.forEach((row, i) => {
      const r = row as { file?: unknown; line?: unknown };
      byLine.set(`${String(r.file)}\n${String(r.line)}`, i);
    });
    positionOf = (line) => byLine.get(`${line.file}\n${line.line}`);
  } else {
    // The package only counts these: count them in a first pass, then draw.
    let count = 0;
    await pass(new MerkleBuilder(), (line) => {
      if (line.bytes && spec.test(JSON.parse(line.bytes.toString("utf8")))) count++;
    });
    populationSize = count;
    sourceName = `${spec.description}, in chain order`;
    let rank = 0;
    positionOf = (line) =>
      line.bytes && spec.test(JSON.parse(line.bytes.toString("utf8"))) ? rank++ : undefined;
  }
  const positions = selectPositions(key, populationSize, options.size);
  const wanted = new Map(positions.map((p, i) => [p, i]));

  const proofs = new InclusionProofs(merkle.size);
  const found: { line: SegmentLine; leaf: number; position: number; text: string }[] = [];
  await pass(proofs.builder, (line) => {
    const leaf = proofs.builder.size;
    const position = positionOf(line, leaf);
    if (position === undefined || !wanted.has(position)) return;
    if (!line.bytes)
      throw fail(
        "--source",
        `--source: ${line.file}:${line.line} (a drawn item) is the log's unterminated last line; draw again once it is complete`,
      );
    proofs.watch(leaf);
    found.push({ line, leaf, position, text: line.bytes.toString("utf8") });
  });
  const byPosition = new Map(found.map((f) => [f.position, f]));
  const missing = positions.filter((p) => !byPosition.has(p));
  if (missing.length > 0)
    throw fail(
      options.package,
      `${options.package}: ${missing.length} drawn item(s) (positions ${missing.slice(0, 5).join(", ")}) have no event in the period's segment of the chain (timestamps out of order across the period's bounds)`,
    );
  const paths = proofs.proofs();
  const items = positions.map((position, i) => {
    const f = byPosition.get(position) as (typeof found)[number];
    const record = JSON.parse(f.text) as Record<string, unknown>;
    const eventHash = String(record.hash);
    return {
      draw: i + 1,
      position,
      event_index: f.line.index,
      leaf_index: f.leaf,
      file: f.line.file,
      line: f.line.line,
      log_line: f.text,
      event_hash: eventHash,
      leaf_hash: eventLeafHash(eventHash).toString("hex"),
      proof: paths.get(f.leaf) ?? [],
      evidence: spec.kind === "list" ? rows[position] : record,
    };
  });
  const sample: SampleFile = {
    sample: {
      algorithm: SELECTION_ALGORITHM,
      population: options.population,
      population_source: sourceName,
      population_size: populationSize,
      size: options.size,
      seed: options.seed,
      key,
      package: {
        period: summary.period,
        summary_sha256: verdict.summarySha256,
        merkle_root: merkle.root,
        merkle_size: merkle.size,
        first_index: merkle.first?.index ?? null,
        hash_mode: integrity.hash_mode,
      },
      drawn_at: (options.now ?? (() => new Date()))().toISOString(),
    },
    items,
  };
  const csvFile = sampleCsvPath(options.output);
  writeAtomically(options.output, `${JSON.stringify(sample, null, 2)}\n`);
  writeAtomically(csvFile, csvRows(sampleCsvRows(sample)));
  return { file: options.output, csvFile, sample };
}

/** The sample as spreadsheet rows: one per item, the proof's nodes joined by spaces. */
function sampleCsvRows(sample: SampleFile): unknown[][] {
  const header = [
    "draw",
    "position",
    "event_index",
    "leaf_index",
    "file",
    "line",
    "event_hash",
    "leaf_hash",
    "proof",
    "evidence",
    "log_line",
  ];
  return [
    header,
    ...sample.items.map((i) => [
      i.draw,
      i.position,
      i.event_index,
      i.leaf_index,
      i.file,
      i.line,
      i.event_hash,
      i.leaf_hash,
      i.proof.join(" "),
      JSON.stringify(i.evidence),
      i.log_line,
    ]),
  ];
}

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}
