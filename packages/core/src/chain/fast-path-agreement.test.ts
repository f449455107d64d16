import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mapBlock } from "../export/map-block.ts";
import { jsonlSource } from "../sources/jsonl-source.ts";
import { type ChainSink, type RecordLocation, readAuditChain } from "../sources/read-audit-chain.ts";
import { ChainVerifier, readRecordLine } from "./chain-verifier.ts";
import { scanHere } from "./hash-pool.ts";
import { LINE_SCAN, lineMembers, scanLine } from "./scan-line.ts";
import { verifyAuditLog } from "./verify-audit-log.ts";

/** A small seeded PRNG (mulberry32): every seed gives the same lines on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const HOLE = "\u0000HASH\u0000";
const WHITESPACE = ["", "", "", " ", "\t", "\r", "  "];
const STRINGS = [
  "",
  "GET",
  "/api/v1/pods",
  'say \\"hi\\"',
  "back\\\\slash",
  "line\\nbreak",
  "caf\u00e9 \u65e5\u672c \ud83d\ude80",
  "\\u00e9\\u0026\\u003c",
  "\\ud83d\\ude80",
  "\\ud800 lone",
  "tab\\t\\/slash\\b\\f\\r",
  "\u007f del",
  "\u2028\u2029",
  "genesis",
];
const TIMESTAMPS = [
  "2026-02-01T10:00:00Z",
  "2026-02-01T10:00:00.25Z",
  "2026-02-01T10:00:00.123456789Z",
  "2026-02-31T10:00:00Z",
  "2026-02-01T24:00:00Z",
  "2026-02-01T23:59:60Z",
  "2026-13-01T10:00:00Z",
  "0050-02-01T10:00:00Z",
  "2026-02-01t10:00:00z",
  "2026-02-01T10:00:00+02:00",
  "2026-02-01 10:00:00Z",
  "2026-02-01T10:00:00.Z",
  "2026-02-01T1a:00:00Z",
  "2026-02-01",
  "not a time",
  "2026-02-01T10:00:00\\u005a",
  "",
];
const NUMBERS = [
  "0",
  "-0",
  "7",
  "-12.5",
  "1e3",
  "2.5E-3",
  "12345678901234567890",
  "1e400",
  "-1e400",
  "1e-400",
];
const BAD_NUMBERS = ["01", "1.", ".5", "+1", "1e", "-", "0x10", "NaN", "Infinity"];

/** A JSON-ish value: mostly valid, sometimes holding a member the verifier reads, one level down. */
function value(r: Rng, depth: number): string {
  const roll = r.int(10);
  if (roll < 4) return `"${r.pick(STRINGS)}"`;
  if (roll < 6) return r.pick(NUMBERS);
  if (roll < 7) return r.pick(["true", "false", "null"]);
  if (depth >= 3) return "{}";
  if (roll < 8) return `[${Array.from({ length: r.int(3) }, () => value(r, depth + 1)).join(",")}]`;
  const members = Array.from({ length: r.int(3) }, () => member(r, depth + 1));
  return `{${members.join(",")}}`;
}

/** A member, possibly one named hash/prev_hash/timestamp (spelled plainly or with escapes). */
function member(r: Rng, depth: number): string {
  const key = r.pick([
    "agent",
    "event",
    "path",
    "hash",
    "prev_hash",
    "timestamp",
    "h\\u0061sh",
    "prev_h\\u0061sh",
    "timest\\u0061mp",
    "hash ",
    "Hash",
  ]);
  const ws = () => r.pick(WHITESPACE);
  const val =
    key.startsWith("timest") && r.chance(0.7)
      ? `"${r.pick(TIMESTAMPS)}"`
      : key.includes("hash") && r.chance(0.6)
        ? `"${createHash("sha256").update(String(r.next())).digest("hex")}"`
        : value(r, depth);
  return `${ws()}"${key}"${ws()}:${ws()}${val}${ws()}`;
}

/** One line: an object of members in any order, with the hash member's value left as a hole. */
function adversarialLine(r: Rng, prev: string): string {
  const members: string[] = [];
  const count = 1 + r.int(5);
  for (let i = 0; i < count; i++) members.push(member(r, 1));
  if (r.chance(0.8)) members.splice(r.int(members.length + 1), 0, `"timestamp":"${r.pick(TIMESTAMPS)}"`);
  // The top-level hash and prev_hash: usually last and in iddio's order, sometimes elsewhere,
  // nested, duplicated or missing.
  const tail: string[] = [];
  const hashMember = `"hash":"${HOLE}"`;
  const prevMember = `"prev_hash":"${prev}"`;
  const layout = r.int(8);
  if (layout <= 3) tail.push(hashMember, prevMember);
  else if (layout === 4) tail.push(prevMember, hashMember);
  else if (layout === 5) members.splice(r.int(members.length + 1), 0, hashMember, prevMember);
  else if (layout === 6) tail.push(`"x":{${hashMember},${prevMember}}`);
  else
    tail.push(hashMember, `"prev_hash":"${r.pick(STRINGS)}"`, r.chance(0.5) ? prevMember : `"prev_hash":5`);
  let line = `{${[...members, ...tail].join(`,${r.pick(WHITESPACE)}`)}}${r.pick(["", "", " ", "\r"])}`;
  if (r.chance(0.15)) line = corrupt(r, line);
  return line;
}

/** Breaks a line in one of the ways a hostile or damaged log does. */
function corrupt(r: Rng, line: string): string {
  const at = r.int(line.length);
  switch (r.int(9)) {
    case 0:
      return line.slice(0, at); // truncated
    case 1:
      return `${line}x`; // trailing garbage
    case 2:
      return `${line.slice(0, at)},${line.slice(at)}`; // a stray comma
    case 3:
      return `${line.slice(0, at)}\u0001${line.slice(at)}`; // a raw control character
    case 4:
      return `${line.slice(0, at)}\\x${line.slice(at)}`; // a bad escape
    case 5:
      return `[${line}]`; // not an object
    case 6:
      return `\ufeff${line}`; // a byte-order mark
    case 7:
      return line.replace(/"agent"\s*:\s*"[^"]*"/, `"agent":${r.pick(BAD_NUMBERS)}`);
    default:
      return line.replace(/:\s*(\d)/, ":$1$1"); // maybe a leading zero
  }
}

/** Fills the hole with the SHA-256 of the line hashed as iddio's writer does (blanked or omitted). */
function sealed(line: string, mode: "blank" | "omit" | "wrong"): { text: string; hash: string } {
  const blanked =
    mode === "omit" ? line.replace(new RegExp(`,?"hash":"${HOLE}"`), "") : line.replace(HOLE, "");
  const digest = createHash("sha256").update(blanked).digest("hex");
  const value = mode === "wrong" ? digest.replace(/^./, (c) => (c === "0" ? "1" : "0")) : digest;
  return { text: line.replace(HOLE, value), hash: value };
}

/** A chain of adversarial lines, each naming the hash of the one before (mostly). */
function adversarialChain(seed: number, lines = 24): Buffer {
  const r = prng(seed);
  const mode = r.pick(["blank", "omit"] as const);
  let prev = "genesis";
  const out: Buffer[] = [];
  for (let i = 0; i < lines; i++) {
    const { text, hash } = sealed(adversarialLine(r, prev), r.chance(0.1) ? "wrong" : mode);
    out.push(Buffer.from(`${text}\n`));
    if (r.chance(0.9)) prev = hash;
  }
  if (r.chance(0.2)) out.push(Buffer.from([0xff, 0xfe, 0x0a])); // invalid UTF-8
  return Buffer.concat(out);
}

/** The general path's verdict: every line read by `readRecordLine` (JSON.parse), none by bytes. */
function generalVerdict(log: Buffer, name: string) {
  const verifier = new ChainVerifier();
  verifier.beginFile(name, false);
  let lineNo = 1;
  for (let from = 0; from < log.length; lineNo++) {
    const nl = log.indexOf(10, from);
    verifier.verifyLine(log.subarray(from, nl), lineNo);
    from = nl + 1;
  }
  verifier.endFile(log.length, createHash("sha256").update(log).digest("hex"));
  return verifier.result(new Date(0));
}

/** The records an export reads, each with the time it is placed by. */
function generalRecords(log: Buffer) {
  const records: { record: Record<string, unknown>; timeMs: number }[] = [];
  for (let from = 0; from < log.length; ) {
    const nl = log.indexOf(10, from);
    const read = readRecordLine(log.subarray(from, nl));
    if (!("error" in read)) {
      const stamp = read.record.timestamp;
      records.push({
        record: read.record,
        timeMs: typeof stamp === "string" ? Date.parse(stamp) : Number.NaN,
      });
    }
    from = nl + 1;
  }
  return records;
}

function collect(records: { record: Record<string, unknown>; timeMs: number }[]): ChainSink {
  const place = (record: Record<string, unknown>, at: RecordLocation) => {
    const stamp = record.timestamp;
    records.push({
      record,
      timeMs: at.timeMs ?? (typeof stamp === "string" ? Date.parse(stamp) : Number.NaN),
    });
  };
  const consumer = { consume: place, unreadable: () => records.push({ record: {}, timeMs: -1 }) };
  return {
    block: (scanned, file, firstLine) => mapBlock(consumer, scanned, file, firstLine),
    record: place,
  };
}

const SEEDS = 300;

describe("the byte scan and the general path", () => {
  it(`read every line alike: scanLine accepts exactly what JSON.parse accepts as an object (${SEEDS} seeds)`, () => {
    const m = lineMembers();
    let objects = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const log = adversarialChain(seed);
      for (let from = 0; from < log.length; ) {
        const nl = log.indexOf(10, from);
        const line = log.subarray(from, nl);
        from = nl + 1;
        if (!isUtf8(line)) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line.toString("utf8"));
        } catch {
          parsed = undefined;
        }
        const isObject = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
        const code = scanLine(line, 0, line.length, m);
        const inRange = !/[eE]\+?4\d\d/.test(line.toString("latin1"));
        const context = `seed ${seed}: ${line.toString("utf8")}`;
        if (code === LINE_SCAN.numberRange) {
          expect(inRange, context).toBe(false);
          continue;
        }
        expect(code === LINE_SCAN.object, context).toBe(isObject);
        if (!isObject) continue;
        objects++;
        const record = parsed as Record<string, unknown>;
        // Each member the verifier reads is the last top-level one, as JSON.parse keeps it.
        const kinds = [
          ["hash", m.hashKind, m.hashStart, m.hashEnd],
          ["prev_hash", m.prevKind, m.prevStart, m.prevEnd],
          ["timestamp", m.timeKind, m.timeStart, m.timeEnd],
        ] as const;
        for (const [key, kind, start, end] of kinds) {
          const want = record[key];
          if (kind === 0) expect(want, `${context} ${key}`).toBeUndefined();
          else if ((kind & 3) === 3)
            expect(typeof want === "string" || want === undefined, context).toBe(false);
          else {
            expect(typeof want, `${context} ${key}`).toBe("string");
            if (kind === 1) expect(line.toString("utf8", start, end), `${context} ${key}`).toBe(want);
          }
        }
      }
    }
    expect(objects).toBeGreaterThan(SEEDS * 5);
  });

  it(`give the same verdict, findings and records on adversarial chains (${SEEDS} seeds)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "fast-path-"));
    let fastLines = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const log = adversarialChain(seed);
      const file = join(dir, `audit-${seed}.jsonl`);
      writeFileSync(file, log);
      const { scan } = scanHere(log);
      for (let i = 0; i < scan.count; i++) if (scan.status[i] !== 3) fastLines++;
      const records: { record: Record<string, unknown>; timeMs: number }[] = [];
      const fast = await readAuditChain(jsonlSource(file), collect(records), {
        hashThreads: 0,
        now: () => new Date(0),
      });
      const general = generalVerdict(log, `audit-${seed}.jsonl`);
      expect(fast, `seed ${seed}`).toEqual(general);
      // Mappers never read hash or prev_hash (the fast path parses the part before them).
      const other = (list: { record: Record<string, unknown>; timeMs: number }[]) =>
        list.map(({ record: { hash: _h, prev_hash: _p, ...rest }, timeMs }) => ({ rest, timeMs }));
      expect(other(records), `seed ${seed}`).toEqual(other(generalRecords(log)));
    }
    // The fast path is exercised, not bypassed: most sealed lines in iddio's shape go by bytes.
    expect(fastLines).toBeGreaterThan(SEEDS * 3);
  });

  it("give the same verdict in hashing workers, which evaluate the scan from its source", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fast-path-"));
    const log = Buffer.concat(Array.from({ length: 40 }, (_, i) => adversarialChain(1000 + i)));
    const file = join(dir, "audit.jsonl");
    writeFileSync(file, log);
    const workers = await verifyAuditLog({ source: file, hashThreads: 2, now: () => new Date(0) });
    const here = await verifyAuditLog({ source: file, hashThreads: 0, now: () => new Date(0) });
    expect(workers).toEqual(here);
  });
});

describe("lines Go's encoding/json reads differently from a naive byte search", () => {
  /** A hash-chained log of raw lines (each with a `HOLE` for its hash); returns its verdict and records. */
  async function read(lines: string[]) {
    const dir = mkdtempSync(join(tmpdir(), "go-edges-"));
    let prev = "genesis";
    const text = lines
      .map((line) => {
        const { text, hash } = sealed(line.replace("PREV", prev), "blank");
        prev = hash;
        return text;
      })
      .join("\n");
    writeFileSync(join(dir, "audit.jsonl"), `${text}\n`);
    const records: { record: Record<string, unknown>; timeMs: number }[] = [];
    const verdict = await readAuditChain(jsonlSource(dir), collect(records), { hashThreads: 0 });
    return { verdict, records };
  }

  it("calls a line malformed when hash and prev_hash sit only in a nested object at its end", async () => {
    const { verdict, records } = await read([
      `{"timestamp":"2026-02-01T10:00:00Z","agent":"a","hash":"${HOLE}","prev_hash":"PREV"}`,
      `{"timestamp":"2026-02-01T10:01:00Z","agent":"a","x":{"hash":"${HOLE}","prev_hash":"PREV"}}`,
    ]);
    expect(verdict.findings.map((f) => [f.kind, f.line, f.message])).toEqual([
      ["malformed", 2, "no hash field"],
    ]);
    expect(verdict.total_events).toBe(1);
    expect(records).toHaveLength(1);
  });

  it("places a record by its last timestamp when the key is duplicated, as JSON and Go do", async () => {
    const { verdict, records } = await read([
      `{"timestamp":"2025-01-01T00:00:00Z","agent":"a","decision":"deny","timestamp":"2026-02-01T10:00:00Z","hash":"${HOLE}","prev_hash":"PREV"}`,
    ]);
    expect(verdict.verified).toBe(true);
    expect(records.map((r) => [r.record.timestamp, r.timeMs])).toEqual([
      ["2026-02-01T10:00:00Z", Date.parse("2026-02-01T10:00:00Z")],
    ]);
  });

  it("calls a line nested deeper than Go's 10,000 levels malformed, and one at 10,000 a record", async () => {
    const nest = (depth: number) => `${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}`;
    const { verdict } = await read([
      `{"timestamp":"2026-02-01T10:00:00Z","deep":${nest(10_000)},"hash":"${HOLE}","prev_hash":"PREV"}`,
      `{"timestamp":"2026-02-01T10:01:00Z","deep":${nest(10_001)},"hash":"${HOLE}","prev_hash":"PREV"}`,
    ]);
    expect(verdict.findings.map((f) => [f.kind, f.line, f.message])).toEqual([
      ["malformed", 2, "nested deeper than 10000 levels, which Go's encoding/json refuses"],
    ]);
  });

  it("calls a line with a number beyond float64 malformed (Go's decoder refuses it; JSON.parse reads Infinity)", async () => {
    const { verdict } = await read([
      `{"timestamp":"2026-02-01T10:00:00Z","latency_us":1e400,"hash":"${HOLE}","prev_hash":"PREV"}`,
      `{"timestamp":"2026-02-01T10:01:00Z","latency_us":1e-400,"hash":"${HOLE}","prev_hash":"PREV"}`,
    ]);
    expect(verdict.findings.map((f) => [f.kind, f.line, f.message])).toEqual([
      ["malformed", 1, "holds a number beyond float64 range, which Go's encoding/json refuses"],
      ["genesis_missing", 2, "the chain does not start at genesis and no trusted checkpoint anchors it"],
    ]);
  });
});
