import { verifyAuditLog } from "@iddio-compliance/core/verify";
import type { Command } from "../cli-io.ts";
import { parseFlags } from "../parse-flags.ts";
import { progressBar } from "../terminal/progress-bar.ts";
import { terminalLines } from "../terminal/sanitize.ts";
import { auditSource, isPostgresSource } from "./audit-source.ts";
import { parseThreads } from "./threads-flag.ts";

export const VERIFY_HELP = `Usage: iddio-compliance verify [--source PATH|postgres://… --org ID] [--threads N] [--json]

Verifies the SHA-256 hash chain of an iddio audit log (rotated and gzipped files are ordered by
following the chain). Also verifies the server plugin's ledger when given its file.

Options:
  --source PATH   iddio home, audit log folder or one JSONL file (default: $IDDIO_HOME, else ~/.iddio),
                  or postgres://user:password@host:port/db (the iddio server's audit_events)
  --org ID        organisation whose chain to verify (required with a postgres:// source)
  --json          print the result in the shape of audit-log-integrity.json
  --threads N     hashing worker threads (0: main thread only; default: cores - 1 from 3 cores up)
  -h, --help      show this help

Exit codes: 0 verified; 1 not verified (findings name file and line); 2 usage or input error.
`;

/** `iddio-compliance verify`. */
export const verifyCommand: Command = async (argv, io) => {
  const { values } = parseFlags(argv, {
    source: { type: "string" },
    org: { type: "string" },
    json: { type: "boolean", default: false },
    threads: { type: "string" },
  });
  if (values.help) {
    io.stdout.write(VERIFY_HELP);
    return 0;
  }
  const source = await auditSource(values, io);
  const bar = progressBar(io, "verifying");
  const threads = parseThreads(values.threads);
  const verdict = await verifyAuditLog({ source, ...threads, onProgress: bar.update }).finally(bar.done);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
    return verdict.verified ? 0 : 1;
  }
  const out: string[] = [];
  out.push(
    verdict.verified
      ? `verified: ${verdict.total_events.toLocaleString("en-US")} events in ${verdict.files.length} file(s), anchored at ${verdict.anchor.type}, head ${verdict.chain_head}`
      : `NOT VERIFIED: ${verdict.total_events.toLocaleString("en-US")} events in ${verdict.files.length} file(s)`,
  );
  // A database finding's line is the row's ordinal in the organisation's stream: name the row too
  // (a nicety: the verdict stands without it).
  const rows = isPostgresSource(source)
    ? await source.rowIds(verdict.findings.map((f) => f.line)).catch(() => new Map<number, string>())
    : new Map<number, string>();
  for (const f of verdict.findings) {
    const values =
      f.expected !== null || f.actual !== null
        ? ` (expected ${f.expected ?? "-"}, found ${f.actual ?? "-"})`
        : "";
    const row = rows.has(f.line) ? ` (row ${rows.get(f.line)})` : "";
    out.push(
      `  ${f.severity === "error" ? "error  " : "warning"} ${f.file}:${f.line}${row} ${f.kind}: ${f.message}${values}`,
    );
  }
  if (verdict.findings_omitted > 0)
    out.push(
      `  … and ${verdict.findings_omitted} more finding(s) (counts: ${JSON.stringify(verdict.finding_counts)})`,
    );
  io.stdout.write(terminalLines(out));
  return verdict.verified ? 0 : 1;
};
