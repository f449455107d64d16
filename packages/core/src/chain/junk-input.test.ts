import { isUtf8 } from "node:buffer";
import { hash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MAX_LINE_BYTES } from "../io/line-reader.ts";
import { jsonlSource } from "../sources/jsonl-source.ts";
import { type ChainSink, readAuditChain } from "../sources/read-audit-chain.ts";
import { scanBlock } from "./scan-block.ts";
import { lineMembers, scanLine } from "./scan-line.ts";
import { verifyAuditLog } from "./verify-audit-log.ts";

const GO_CHAIN = new URL("./fixtures/go/chain.jsonl", import.meta.url).pathname;

/**
 * Scans `block` with every native search, hash and UTF-8 check counted in bytes examined: the
 * work a scan does besides its own single pass over each line.
 */
function scanCounted(block: Buffer) {
  const work = { searched: 0, hashed: 0, checked: 0 };
  const { indexOf, lastIndexOf } = Buffer.prototype;
  const width = (v: unknown) => (typeof v === "number" ? 1 : (v as Buffer | string).length);
  Object.assign(block, {
    indexOf(this: Buffer, v: number | Buffer, from = 0) {
      const r = indexOf.call(this, v, from);
      work.searched += (r === -1 ? this.length : r + width(v)) - from;
      return r;
    },
    lastIndexOf(this: Buffer, v: number | Buffer, from = this.length - 1) {
      const r = lastIndexOf.call(this, v, from);
      work.searched += from - (r === -1 ? 0 : r) + 1;
      return r;
    },
  });
  const counted = ((algorithm: string, data: Uint8Array, encoding: "hex") => {
    work.hashed += data.length;
    return hash(algorithm, data, encoding);
  }) as typeof hash;
  const utf8 = (data: Uint8Array) => {
    work.checked += data.length;
    return isUtf8(data);
  };
  const scan = scanBlock(
    block,
    0,
    block.length,
    counted,
    utf8,
    scanLine,
    lineMembers(),
    MAX_LINE_BYTES,
    block.length,
  );
  return { scan, work };
}

const JUNK: [string, () => Buffer][] = [
  ["empty lines", () => Buffer.alloc(1 << 20, 0x0a)],
  ["NULs with a newline now and then", () => Buffer.from(`${"\0".repeat(97)}\n`.repeat(10_000))],
  ["lines of quotes", () => Buffer.from(`${'"'.repeat(31)}\n`.repeat(30_000))],
  [
    "objects without a timestamp or prev_hash",
    () => Buffer.from(`{"hash":"${"a".repeat(64)}"}\n`.repeat(10_000)),
  ],
  [
    "lines that end like iddio's but start as junk",
    () => Buffer.from(`xx,"hash":"${"a".repeat(64)}","prev_hash":"${"b".repeat(64)}"}\n`.repeat(5_000)),
  ],
  ["unterminated strings", () => Buffer.from(`{"timestamp":"${"x".repeat(200)}\n`.repeat(5_000))],
  ["deep nesting", () => Buffer.from(`${`{"a":${"[".repeat(200)}\n`.repeat(2_000)}`)],
];

describe("scanning junk", () => {
  for (const [name, make] of JUNK) {
    it(`examines each byte of ${name} a bounded number of times`, () => {
      const block = make();
      const { scan, work } = scanCounted(block);
      expect(scan.count).toBe(block.filter((c) => c === 0x0a).length);
      expect(work.searched).toBeLessThanOrEqual(2 * block.length);
      expect(work.hashed).toBeLessThanOrEqual(2 * block.length);
      expect(work.checked).toBeLessThanOrEqual(2 * block.length);
    });
  }

  it("examines each byte of an iddio log a bounded number of times too", () => {
    const block = readFileSync(GO_CHAIN);
    const { scan, work } = scanCounted(block);
    expect(Array.from(scan.status).filter((s) => s === 3)).toEqual([]);
    expect(work.searched).toBeLessThanOrEqual(block.length);
  });
});

describe("reading junk", () => {
  it("hands a block of tiny lines on in parts of at most 65,536 lines, whatever the thread", async () => {
    const dir = mkdtempSync(join(tmpdir(), "junk-"));
    writeFileSync(join(dir, "audit.jsonl"), Buffer.alloc(300_000, 0x0a));
    for (const hashThreads of [0, 1]) {
      const parts: number[] = [];
      const sink: ChainSink = {
        block: (scanned) => void parts.push(scanned.scan.count),
        record: () => {},
      };
      const verdict = await readAuditChain(jsonlSource(dir), sink, { hashThreads });
      expect(Math.max(...parts)).toBeLessThanOrEqual(65_536);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(300_000);
      expect(verdict.finding_counts).toEqual({ malformed: 300_000 });
    }
  });
});

describe("verifying junk", () => {
  const log = (name: string, bytes: Buffer) => {
    const dir = mkdtempSync(join(tmpdir(), "junk-"));
    writeFileSync(join(dir, name), bytes);
    return dir;
  };

  it("reports every empty line of a log of newlines as malformed, naming its line", async () => {
    const verdict = await verifyAuditLog({ source: log("audit.jsonl", Buffer.alloc(200_000, 0x0a)) });
    expect(verdict.verified).toBe(false);
    expect(verdict.finding_counts).toEqual({ malformed: 200_000 });
    expect(verdict.findings[0]).toMatchObject({
      kind: "malformed",
      file: "audit.jsonl",
      line: 1,
      message: "empty line",
    });
    expect(verdict.findings_omitted).toBe(199_000);
  });

  it("reports a run of NULs before the chain resumes as one overlong malformed line, then verifies the rest", async () => {
    const nuls = Buffer.alloc(3 << 20);
    const verdict = await verifyAuditLog({
      source: log("audit.jsonl", Buffer.concat([nuls, Buffer.from("\n"), readFileSync(GO_CHAIN)])),
    });
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        kind: "malformed",
        file: "audit.jsonl",
        line: 1,
        message: `line of ${3 << 20} bytes is longer than the 1 MiB limit of a record`,
      }),
    ]);
    expect(verdict.total_events).toBe(60);
  });

  it("reports NULs without a newline at the live end of the log as a truncated tail", async () => {
    const dir = mkdtempSync(join(tmpdir(), "junk-"));
    writeFileSync(join(dir, "audit-1.jsonl.gz"), gzipSync(readFileSync(GO_CHAIN)));
    writeFileSync(join(dir, "audit.jsonl"), Buffer.alloc(2 << 20));
    const verdict = await verifyAuditLog({ source: dir });
    expect(verdict.findings.map((f) => [f.kind, f.file, f.line, f.message])).toEqual([
      [
        "truncated_tail",
        "audit.jsonl",
        1,
        `incomplete last line (${2 << 20} bytes, no newline): a crash mid-write or a live log`,
      ],
    ]);
    expect(verdict.verified).toBe(true);
  });

  it("reports a small gzip that inflates to a long run of NULs as one malformed line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "junk-"));
    writeFileSync(
      join(dir, "audit-1.jsonl.gz"),
      gzipSync(Buffer.concat([Buffer.alloc(16 << 20), Buffer.from("\n")])),
    );
    writeFileSync(join(dir, "audit.jsonl"), readFileSync(GO_CHAIN));
    const verdict = await verifyAuditLog({ source: dir });
    expect(verdict.findings).toContainEqual(
      expect.objectContaining({
        kind: "malformed",
        file: "audit-1.jsonl.gz",
        line: 1,
        message: `line of ${16 << 20} bytes is longer than the 1 MiB limit of a record`,
      }),
    );
  });
});
