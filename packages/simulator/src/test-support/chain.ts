// Test helpers: read an iddio home's audit log and verify its chain, written independently of the
// simulator's writer (regex over stored bytes + node:crypto), so the tests check the writer
// against the documented recipe, not against itself.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/** One audit log file, decompressed. */
export interface LogText {
  readonly name: string;
  readonly text: string;
}

/** A verifier finding (DESIGN §4). */
export interface Finding {
  readonly kind:
    | "malformed"
    | "hash_mismatch"
    | "link_break"
    | "genesis_missing"
    | "truncated_tail"
    | "timestamp_regression";
  readonly file: string;
  readonly line: number;
}

/** Reads every `audit*.jsonl(.gz)` of a home, in no particular order. */
export function readAuditFiles(dir: string): LogText[] {
  return readdirSync(dir)
    .filter((n) => /^audit.*\.jsonl(\.gz)?$/.test(n))
    .map((name) => {
      const raw = readFileSync(join(dir, name));
      return { name, text: (name.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8") };
    });
}

function firstPrevHash(text: string): string {
  return (JSON.parse(text.slice(0, text.indexOf("\n"))) as { prev_hash: string }).prev_hash;
}

function lastHash(text: string): string {
  const lines = text.trimEnd().split("\n");
  return (JSON.parse(lines[lines.length - 1] ?? "{}") as { hash: string }).hash;
}

/** Orders files by following the chain: genesis first, then the file whose first prev_hash is the last hash. */
export function chainOrder(files: readonly LogText[]): LogText[] {
  const byFirst = new Map(files.map((f) => [firstPrevHash(f.text), f]));
  const out: LogText[] = [];
  let prev = "genesis";
  for (let f = byFirst.get(prev); f !== undefined; f = byFirst.get(prev)) {
    out.push(f);
    prev = lastHash(f.text);
  }
  return out;
}

const MEMBER = /"hash":"([0-9a-f]{64})"/g;

/** The bytes the writer hashed, in `blank` or `omit` mode, from a stored line. */
export function hashedForm(line: string, mode: "blank" | "omit"): string {
  const matches = [...line.matchAll(MEMBER)];
  const last = matches[matches.length - 1];
  if (last === undefined || last.index === undefined) return line;
  const before = line.slice(0, last.index);
  const after = line.slice(last.index + last[0].length);
  if (mode === "blank") return `${before}"hash":""${after}`;
  return before.endsWith(",") ? before.slice(0, -1) + after : before + after.replace(/^,/, "");
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Verifies files given in chain order; returns every finding. */
export function verifyFiles(files: readonly LogText[]): Finding[] {
  const findings: Finding[] = [];
  let mode: "blank" | "omit" | undefined;
  let previous: string | undefined;
  let lastTime = Number.NEGATIVE_INFINITY;
  files.forEach((file, fileIndex) => {
    const complete = file.text.endsWith("\n");
    const lines = (complete ? file.text.slice(0, -1) : file.text).split("\n");
    lines.forEach((line, i) => {
      const at = { file: file.name, line: i + 1 };
      let record: { hash?: unknown; prev_hash?: unknown; timestamp?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        const tail = !complete && i === lines.length - 1 && fileIndex === files.length - 1;
        findings.push({ kind: tail ? "truncated_tail" : "malformed", ...at });
        return;
      }
      if (typeof record.hash !== "string" || typeof record.prev_hash !== "string") {
        findings.push({ kind: "malformed", ...at });
        return;
      }
      const blank = sha256(hashedForm(line, "blank"));
      const omit = sha256(hashedForm(line, "omit"));
      if (mode === undefined)
        mode = blank === record.hash ? "blank" : omit === record.hash ? "omit" : undefined;
      const actual = mode === "omit" ? omit : blank;
      if (actual !== record.hash) findings.push({ kind: "hash_mismatch", ...at });
      if (previous === undefined) {
        if (record.prev_hash !== "genesis") findings.push({ kind: "genesis_missing", ...at });
      } else if (record.prev_hash !== previous) {
        findings.push({ kind: "link_break", ...at });
      }
      previous = record.hash;
      const time = Date.parse(String(record.timestamp));
      if (time < lastTime) findings.push({ kind: "timestamp_regression", ...at });
      if (!Number.isNaN(time)) lastTime = time;
    });
  });
  return findings;
}

/** Every record of a home in chain order, parsed. */
export function readRecords(dir: string): Record<string, unknown>[] {
  return chainOrder(readAuditFiles(dir)).flatMap((f) =>
    f.text
      .slice(0, -1)
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
}

/** Every file under `dir`, relative, sorted. */
export function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}
