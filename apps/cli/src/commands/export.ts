import { statSync } from "node:fs";
import { resolve } from "node:path";
import {
  type ExportEvidenceResult,
  exportEvidence,
  previousLinkOf,
  readCheckpoint,
  readPrivateKey,
  readSummaryFile,
  verifyPackage,
} from "@iddio-compliance/core";
import type { CliIo, Command } from "../cli-io.ts";
import { parseFlags, required } from "../parse-flags.ts";
import { progressBar } from "../terminal/progress-bar.ts";
import { terminalLines } from "../terminal/sanitize.ts";
import { UsageError } from "../usage-error.ts";
import { auditSource } from "./audit-source.ts";
import { parseThreads } from "./threads-flag.ts";

export const EXPORT_HELP = `Usage: iddio-compliance export --from DATE --to DATE [--output DIR] [--format json|csv]
         [--source PATH|postgres://…] [--org ID] [--home PATH] [--ledger FILE] [--tz ZONE]
         [--sign KEY] [--previous DIR] [--resume-from DIR|FILE] [--no-report] [--threads N] [--json]

Writes a SOC 2 evidence package (CC6.1, CC6.2, CC6.3, CC7.2, summary, audit-log integrity)
for one period, after verifying the audit log's hash chain.

Options:
  --from DATE        first day of the period, YYYY-MM-DD (inclusive)
  --to DATE          last day of the period, YYYY-MM-DD (inclusive, whole day)
  --output DIR       package folder to create (must not exist; default: ./soc2-FROM_TO)
  --format FORMAT    json (default) or csv
  --source PATH      iddio home, audit log folder or file (default: $IDDIO_HOME, else ~/.iddio),
                     or postgres://user:password@host:port/db (the iddio server's audit_events)
  --org ID           organisation to export (required with a postgres:// source)
  --home PATH        iddio home for policy.yaml, tokens.yaml, certificates and recordings
                     (default: the source folder; none for a postgres:// source)
  --ledger FILE      the server plugin's ledger.jsonl: its lifecycle records feed the evidence
                     and its chain is verified too (repeatable)
  --tz ZONE          IANA time zone the dates are read in (default: UTC)
  --sign KEY         Ed25519 private key file (from keygen): writes summary.json.sig, a
                     signature of summary.json that openssl can check
  --previous DIR     the package of the period just before this one: this package links to it
                     (period, SHA-256 of its summary.json, where its events end in the chain)
  --resume-from DIR|FILE
                     an earlier package (or its checkpoint.json) whose period ends before this
                     one starts: only the log after its checkpoint is read, verified and mapped,
                     with the same evidence as a full pass; when the log no longer holds the
                     checkpoint's line, a warning says so and the whole log is read
  --json             print the package's summary.json instead of the human summary
  --no-report        leave out report.html (the self-contained page for people)
  --threads N        hashing worker threads (default: cores - 1 from 3 cores up); records are
                     mapped on a thread of their own (2 cores or more, logs over 16 MB); 0: one
                     thread for all
  -h, --help         show this help

Exit codes: 0 evidence written and chain verified; 1 evidence written but the chain did not
verify; 2 usage or input error.
`;

/** `--threads 0` keeps the whole export on one thread: no hashing workers, no mapping thread. */
function exportThreads(threads: { hashThreads?: number }): { hashThreads?: number; mappingThread?: boolean } {
  return threads.hashThreads === 0 ? { hashThreads: 0, mappingThread: false } : threads;
}

/** `iddio-compliance export`. */
export const exportCommand: Command = async (argv, io) => {
  const { values } = parseFlags(argv, {
    from: { type: "string" },
    to: { type: "string" },
    output: { type: "string", short: "o" },
    format: { type: "string", default: "json" },
    source: { type: "string" },
    org: { type: "string" },
    home: { type: "string" },
    ledger: { type: "string", multiple: true },
    threads: { type: "string" },
    tz: { type: "string", default: "UTC" },
    json: { type: "boolean", default: false },
    "no-report": { type: "boolean", default: false },
    sign: { type: "string" },
    previous: { type: "string" },
    "resume-from": { type: "string" },
  });
  if (values.help) {
    io.stdout.write(EXPORT_HELP);
    return 0;
  }
  const format = values.format;
  if (format !== "json" && format !== "csv")
    throw new UsageError(`--format: unknown format "${format}" (expected json or csv)`);
  const from = required(values.from, "--from");
  const to = required(values.to, "--to");
  const outputFlag = values.output ?? `soc2-${from}_${to}`;
  const output = resolve(io.cwd, outputFlag);
  const source = await auditSource(values, io);
  const home = values.home ? resolve(io.cwd, values.home) : undefined;
  if (home !== undefined && !isDirectory(home))
    throw new UsageError(
      `--home: "${values.home}" is not a folder (an iddio home holds policy.yaml, tokens.yaml, …)`,
    );
  const sign = values.sign ? readPrivateKey(resolve(io.cwd, values.sign), "--sign") : undefined;
  const previous = values.previous ? await previousPackage(resolve(io.cwd, values.previous)) : undefined;
  const resumeFrom = values["resume-from"]
    ? readCheckpoint(resolve(io.cwd, values["resume-from"]))
    : undefined;
  const bar = progressBar(io, "exporting");
  let result: ExportEvidenceResult;
  try {
    const ledgers = (values.ledger ?? []).map((l) => resolve(io.cwd, l));
    result = await exportEvidence({
      source,
      ...(home ? { home } : {}),
      ...(ledgers.length > 0 ? { ledgers } : {}),
      ...(sign ? { sign } : {}),
      ...(previous ? { previous } : {}),
      ...(resumeFrom ? { resumeFrom } : {}),
      ...exportThreads(parseThreads(values.threads)),
      from,
      to,
      timeZone: values.tz,
      format,
      output,
      onProgress: bar.update,
      report: !values["no-report"],
    });
  } finally {
    bar.done();
  }
  if (result.resume.fallback) io.stderr.write(terminalLines([`warning: ${result.resume.fallback}`]));
  if (values.json) io.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
  else printSummary(io, result, outputFlag);
  return result.verified ? 0 : 1;
};

/** The link to `--previous DIR`, a package that must be intact. */
async function previousPackage(dir: string) {
  const verdict = await verifyPackage(dir);
  if (!verdict.ok)
    throw new UsageError(
      `--previous: ${dir} is not an intact package (${verdict.problems.length} problem(s); run verify-package on it)`,
    );
  return previousLinkOf(readSummaryFile(dir));
}

function printSummary(io: CliIo, result: ExportEvidenceResult, outputFlag: string): void {
  const { summary } = result;
  const n = (v: unknown) => (typeof v === "number" ? v.toLocaleString("en-US") : String(v));
  const period = summary.period;
  const lines = [
    `SOC 2 evidence for ${period.from} … ${period.to} (${period.time_zone})${period.incomplete ? " — INCOMPLETE: the period has not ended" : ""}`,
    "",
    `  ${"criterion".padEnd(9)} ${"title".padEnd(38)} ${"status".padEnd(11)} ${"strength".padEnd(8)} headline figures`,
  ];
  for (const c of summary.criteria) {
    const headline = Object.entries(c.headline)
      .map(([k, v]) => `${k.replaceAll("_", " ")} ${n(v)}`)
      .join(", ");
    lines.push(
      `  ${c.criterion.padEnd(9)} ${c.title.padEnd(38)} ${c.status.padEnd(11)} ${c.evidence_strength.padEnd(8)} ${headline}`,
    );
    for (const r of c.reasons)
      lines.push(`            reason: ${r.message}${r.detail ? ` (see ${r.detail})` : ""}`);
    if (c.missing_inputs.length > 0) lines.push(`            missing: ${c.missing_inputs.join("; ")}`);
  }
  const i = summary.integrity;
  lines.push("");
  lines.push(
    i.verified
      ? `  Hash chain: verified — ${n(i.chain_events)} events in the chain, head ${i.chain_head?.slice(0, 16)}…`
      : `  Hash chain: NOT VERIFIED — ${n(i.findings)} finding(s); see ${i.file}`,
  );
  if (summary.unrecognised_records.total > 0) {
    lines.push(
      `  Unrecognised records: ${Object.entries(summary.unrecognised_records.kinds)
        .map(([k, v]) => `${k} ×${v}`)
        .join(", ")}`,
    );
  }
  if (summary.merkle)
    lines.push(
      `  Merkle root: ${summary.merkle.root} over ${n(summary.merkle.size)} events${summary.merkle.first && summary.merkle.last ? ` (chain events ${summary.merkle.first.index}–${summary.merkle.last.index})` : ""}`,
    );
  if (summary.previous)
    lines.push(
      `  Follows: ${summary.previous.period.from} … ${summary.previous.period.to} (summary.json SHA-256 ${summary.previous.summary_sha256})`,
    );
  if (result.resume.resumed)
    lines.push(
      "  Read: after the checkpoint of --resume-from only (the chain before it was verified by that export; see the integrity file's anchor)",
    );
  if (summary.signing) lines.push(`  Signed: Ed25519, key id ${summary.signing.key_id} (summary.json.sig)`);
  lines.push(
    `  Evidence: ${outputFlag} (${summary.manifest.length + 1} files; manifest with SHA-256 in summary.json)`,
  );
  if (summary.manifest.some((m) => m.file === "report.html"))
    lines.push(
      `  Report: ${outputFlag}/report.html (open it in a browser to read, print or verify the package)`,
    );
  io.stdout.write(terminalLines(lines));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
