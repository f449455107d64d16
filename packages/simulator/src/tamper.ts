import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { goMarshalValue } from "@iddio-compliance/schema";
import { gzipSync } from "fflate";

/** The ways a log can be tampered with (or damaged). */
export type TamperKind = "edit" | "delete" | "insert" | "reorder" | "truncate" | "garbage";

/** A finding the verifier must report for a tampered log; `line` is 1-based in the output. */
export interface TamperFinding {
  readonly kind: "hash_mismatch" | "link_break" | "malformed" | "truncated_tail" | "timestamp_regression";
  readonly line: number;
}

/** Options of {@link tamperContent} and {@link tamperLog}. */
export interface TamperOptions {
  /** The 1-based line acted on: edited, deleted, swapped with the next, or followed by the inserted line. Ignored by `truncate`. */
  readonly line?: number;
  /** `edit` only: the top-level field to change. @default "agent", or "event" for a record without one */
  readonly field?: string;
  /** `edit` only: the new value. @default the old string with "-forged" appended, or the old number plus one */
  readonly value?: string | number;
  /** `truncate` only: whether the file is the newest of the chain (its cut last line is a `truncated_tail` warning, elsewhere `malformed`). @default true, or false for a `.gz` file in {@link tamperLog} */
  readonly newest?: boolean;
}

/** A tampered log and what the verifier must say about it. */
export interface TamperResult {
  readonly content: string;
  /** The first finding the verifier must report. */
  readonly expected: TamperFinding;
  /** Every finding the verifier must report, in line order (link breaks that follow a reorder, a timestamp regression it causes). */
  readonly findings: readonly TamperFinding[];
}

const HASH_MEMBER = /"hash":"([0-9a-f]{64})"/g;

function misuse(message: string): never {
  throw new RangeError(`simulator: ${message}`);
}

function storedHash(line: string): { hash: string; index: number } {
  let found: { hash: string; index: number } | undefined;
  for (const m of line.matchAll(HASH_MEMBER)) found = { hash: m[1] ?? "", index: m.index ?? 0 };
  if (found === undefined) misuse(`line has no "hash" member: ${line.slice(0, 80)}`);
  return found;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The bytes a writer hashed, for either hash mode. */
function hashedBytes(line: string, mode: "blank" | "omit"): string {
  const { hash, index } = storedHash(line);
  const member = `"hash":"${hash}"`;
  if (mode === "blank") return `${line.slice(0, index)}"hash":""${line.slice(index + member.length)}`;
  const before = line.slice(0, index);
  const after = line.slice(index + member.length);
  return before.endsWith(",") ? before.slice(0, -1) + after : before + after.replace(/^,/, "");
}

function detectMode(line: string): "blank" | "omit" {
  const { hash } = storedHash(line);
  if (sha256(hashedBytes(line, "blank")) === hash) return "blank";
  if (sha256(hashedBytes(line, "omit")) === hash) return "omit";
  return misuse("the line to copy does not verify in either hash mode; tamper an intact log");
}

function replaceField(line: string, field: string, value: unknown): string {
  const record = JSON.parse(line) as Record<string, unknown>;
  if (!(field in record)) misuse(`line has no top-level field "${field}" to edit`);
  const old = `${JSON.stringify(field)}:${goMarshalValue(record[field])}`;
  const at = line.indexOf(old);
  if (at === -1) misuse(`field "${field}" is not stored in Go's form; cannot edit it in place`);
  return `${line.slice(0, at)}${JSON.stringify(field)}:${goMarshalValue(value)}${line.slice(at + old.length)}`;
}

function editedValue(line: string, field: string, value: string | number | undefined): string | number {
  if (value !== undefined) return value;
  const old = (JSON.parse(line) as Record<string, unknown>)[field];
  if (typeof old === "number") return old + 1;
  if (typeof old === "string") return `${old}-forged`;
  return misuse(`field "${field}" is neither a string nor a number; pass options.value`);
}

function timeOf(line: string | undefined): number {
  if (line === undefined) return Number.NaN;
  try {
    return Date.parse(String((JSON.parse(line) as { timestamp?: unknown }).timestamp));
  } catch {
    return Number.NaN;
  }
}

/**
 * Tampers with the text of a JSONL audit log (one file) in memory. Every kind but `truncate` acts
 * at `options.line`; the result says what a verifier must report. Lines before the one acted on
 * are untouched, so the findings are exact.
 */
export function tamperContent(content: string, kind: TamperKind, options: TamperOptions = {}): TamperResult {
  if (!content.endsWith("\n")) misuse("the log to tamper with must end with a newline (an intact log)");
  const lines = content.slice(0, -1).split("\n");
  const count = lines.length;
  const n = options.line ?? Math.ceil(count / 2);
  const need = (ok: boolean, rule: string) => {
    if (!Number.isInteger(n) || !ok) misuse(`tamper "${kind}" needs ${rule}; got line ${n} of ${count}`);
  };
  const join = (out: readonly string[]) => `${out.join("\n")}\n`;
  const one = (finding: TamperFinding, out: string): TamperResult => ({
    content: out,
    expected: finding,
    findings: [finding],
  });

  switch (kind) {
    case "edit": {
      need(n >= 1 && n <= count, "1 <= line <= the line count");
      const line = lines[n - 1] ?? "";
      const field = options.field ?? ("agent" in (JSON.parse(line) as object) ? "agent" : "event");
      if (field === "hash" || field === "prev_hash")
        misuse('edit changes content; use "insert" or "reorder" to break links');
      const out = [...lines];
      out[n - 1] = replaceField(line, field, editedValue(line, field, options.value));
      return one({ kind: "hash_mismatch", line: n }, join(out));
    }
    case "delete": {
      need(
        n >= 2 && n <= count - 1,
        "2 <= line < the line count (deleting the first or last line is not a link break)",
      );
      return one({ kind: "link_break", line: n }, join(lines.filter((_, i) => i !== n - 1)));
    }
    case "insert": {
      need(
        n >= 1 && n <= count - 1,
        "1 <= line < the line count (an appended line is indistinguishable from a real one)",
      );
      const base = lines[n - 1] ?? "";
      const mode = detectMode(base);
      // A forged copy of line n (its agent renamed when it has one), relinked to line n, with a
      // hash that matches its own content: only the link of the line after it can give it away.
      const record = JSON.parse(base) as Record<string, unknown>;
      let forged =
        typeof record.agent === "string" ? replaceField(base, "agent", `${record.agent}-forged`) : base;
      forged = replaceField(forged, "prev_hash", storedHash(base).hash);
      const { index } = storedHash(forged);
      const member = `"hash":"${sha256(hashedBytes(forged, mode))}"`;
      forged = forged.slice(0, index) + member + forged.slice(index + member.length);
      const out = [...lines.slice(0, n), forged, ...lines.slice(n)];
      return one({ kind: "link_break", line: n + 2 }, join(out));
    }
    case "reorder": {
      need(
        n >= 2 && n <= count - 1,
        "2 <= line < the line count (the swapped pair must have a line before it)",
      );
      const out = [...lines];
      const a = out[n - 1] ?? "";
      out[n - 1] = out[n] ?? "";
      out[n] = a;
      const findings: TamperFinding[] = [
        { kind: "link_break", line: n },
        { kind: "link_break", line: n + 1 },
      ];
      if (timeOf(out[n]) < timeOf(out[n - 1])) findings.push({ kind: "timestamp_regression", line: n + 1 });
      if (n + 2 <= count) findings.push({ kind: "link_break", line: n + 2 });
      return { content: join(out), expected: { kind: "link_break", line: n }, findings };
    }
    case "truncate": {
      const last = lines[count - 1] ?? "";
      const cut =
        lines
          .slice(0, -1)
          .map((l) => `${l}\n`)
          .join("") + last.slice(0, Math.max(1, Math.floor(last.length / 2)));
      return one({ kind: options.newest === false ? "malformed" : "truncated_tail", line: count }, cut);
    }
    case "garbage": {
      need(n >= 1 && n <= count, "1 <= line <= the line count");
      const out = [...lines.slice(0, n), "<<< disk full: partial write >>> {not json", ...lines.slice(n)];
      return one({ kind: "malformed", line: n + 1 }, join(out));
    }
    default:
      return misuse(`unknown tamper kind "${String(kind)}"`);
  }
}

/**
 * Tampers with one audit log file and writes the result to `outputFile`. A `.gz` input is
 * decompressed and a `.gz` output compressed. Returns what the verifier must report, with lines
 * numbered in the output file.
 */
export async function tamperLog(
  inputFile: string,
  outputFile: string,
  kind: TamperKind,
  options: TamperOptions = {},
): Promise<TamperResult> {
  const raw = await readFile(inputFile);
  const text = (inputFile.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  const result = tamperContent(text, kind, { newest: !inputFile.endsWith(".gz"), ...options });
  const bytes = Buffer.from(result.content, "utf8");
  await writeFile(outputFile, outputFile.endsWith(".gz") ? gzipSync(bytes, { level: 6, mtime: 0 }) : bytes);
  return result;
}
