import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mapBlock } from "../export/map-block.ts";
import { jsonlSource } from "../sources/jsonl-source.ts";
import { type ChainSink, readAuditChain } from "../sources/read-audit-chain.ts";
import { verifyAuditLog } from "./verify-audit-log.ts";

const GO = new URL("./fixtures/go/", import.meta.url).pathname;
const expected = JSON.parse(readFileSync(join(GO, "expected.json"), "utf8")) as Record<
  string,
  { kind: string; line: number }[]
>;

async function findingsOf(file: string) {
  const verdict = await verifyAuditLog({ source: join(GO, file) });
  return { verdict, findings: verdict.findings.map((f) => ({ kind: f.kind, line: f.line })) };
}

describe("verifyAuditLog on the log written by Go's encoding/json", () => {
  it('verifies the untouched chain written with "hash":"" in the hashed bytes', async () => {
    const { verdict } = await findingsOf("chain.jsonl");
    expect(verdict.findings).toEqual([]);
    expect(verdict.verified).toBe(true);
    expect(verdict.hash_mode).toBe("blank");
    expect(verdict.anchor.type).toBe("genesis");
    expect(verdict.total_events).toBe(60);
  });

  it("verifies the same chain from a writer whose hash tag has omitempty", async () => {
    const { verdict } = await findingsOf("chain-omit.jsonl");
    expect(verdict.findings).toEqual([]);
    expect(verdict.verified).toBe(true);
    expect(verdict.hash_mode).toBe("omit");
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`reports exactly ${want.map((w) => `${w.kind} at line ${w.line}`).join(", ") || "nothing"} in ${file}`, async () => {
      const { verdict, findings } = await findingsOf(file);
      expect(findings).toEqual(want);
      const errors = want.filter((w) => w.kind !== "timestamp_regression" && w.kind !== "truncated_tail");
      expect(verdict.verified).toBe(errors.length === 0);
    });
  }

  it("names the file and both values in a hash mismatch", async () => {
    const { verdict } = await findingsOf("tampered-edit.jsonl");
    const [finding] = verdict.findings;
    expect(finding?.file).toBe("tampered-edit.jsonl");
    expect(finding?.expected).toMatch(/^[0-9a-f]{64}$/);
    expect(finding?.actual).toMatch(/^[0-9a-f]{64}$/);
    expect(finding?.expected).not.toBe(finding?.actual);
  });

  it("orders rotated gzipped files by following the chain, not by their names", async () => {
    const verdict = await verifyAuditLog({ source: join(GO, "rotated") });
    expect(verdict.findings).toEqual([]);
    expect(verdict.verified).toBe(true);
    expect(verdict.files.map((f) => f.path)).toEqual(["audit-2.jsonl.gz", "audit-1.jsonl.gz", "audit.jsonl"]);
    expect(verdict.files.map((f) => f.compressed)).toEqual([true, true, false]);
    expect(verdict.total_events).toBe(60);
  });

  it("reports a link break at the first line of a rotated file when the file before it is missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chain-"));
    copyFileSync(join(GO, "rotated", "audit-2.jsonl.gz"), join(dir, "audit-2.jsonl.gz"));
    copyFileSync(join(GO, "rotated", "audit.jsonl"), join(dir, "audit.jsonl"));
    const verdict = await verifyAuditLog({ source: dir });
    expect(verdict.verified).toBe(false);
    expect(verdict.findings.map((f) => [f.kind, f.file, f.line])).toEqual([["link_break", "audit.jsonl", 1]]);
  });

  it("accepts a chain that starts after genesis when a trusted checkpoint anchors it", async () => {
    const lines = readFileSync(join(GO, "chain.jsonl"), "utf8").split("\n");
    const anchorHash = (JSON.parse(lines[4] as string) as { hash: string }).hash;
    const dir = mkdtempSync(join(tmpdir(), "chain-"));
    writeFileSync(join(dir, "audit.jsonl"), lines.slice(5).join("\n"));
    const verdict = await verifyAuditLog({ source: dir, anchor: { hash: anchorHash, events: 5 } });
    expect(verdict.findings).toEqual([]);
    expect(verdict.verified).toBe(true);
    expect(verdict.anchor).toEqual({ type: "checkpoint", hash: anchorHash, events_before: 5 });
  });

  it("reports a finding, not an exception, for a line of invalid UTF-8 and for a 2 MB line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chain-"));
    const good = readFileSync(join(GO, "chain.jsonl"));
    const big = Buffer.from(`{"timestamp":"x","path":"${"a".repeat(2 * 1024 * 1024)}"}\n`);
    writeFileSync(join(dir, "audit.jsonl"), Buffer.concat([good, Buffer.from([0xff, 0xfe, 0x0a]), big]));
    const verdict = await verifyAuditLog({ source: dir });
    expect(verdict.findings.map((f) => [f.kind, f.line, f.message])).toEqual([
      ["malformed", 61, "line is not valid UTF-8"],
      ["malformed", 62, `line of ${big.length - 1} bytes is longer than the 1 MiB limit of a record`],
    ]);
  });

  it("reports a line of invalid UTF-8 even when its hash was computed over those bytes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chain-"));
    let prev = "genesis";
    const lines = ["caf\xe9", "ok"].map((path) => {
      const body = Buffer.concat([
        Buffer.from('{"timestamp":"2026-02-01T10:00:00Z","agent":"a","path":"'),
        Buffer.from(path, "latin1"),
      ]);
      const blank = Buffer.concat([body, Buffer.from(`","hash":"","prev_hash":"${prev}"}`)]);
      const hash = createHash("sha256").update(blank).digest("hex");
      const line = Buffer.concat([body, Buffer.from(`","hash":"${hash}","prev_hash":"${prev}"}\n`)]);
      prev = hash;
      return line;
    });
    writeFileSync(join(dir, "audit.jsonl"), Buffer.concat(lines));
    for (const hashThreads of [0, 1]) {
      const verdict = await verifyAuditLog({ source: dir, hashThreads });
      expect(verdict.findings.map((f) => [f.kind, f.line, f.message])).toEqual([
        ["malformed", 1, "line is not valid UTF-8"],
        ["genesis_missing", 2, "the chain does not start at genesis and no trusted checkpoint anchors it"],
      ]);
    }
  });

  it("says the log is not verified when it holds no event at all", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chain-"));
    writeFileSync(join(dir, "audit.jsonl"), "");
    const verdict = await verifyAuditLog({ source: dir });
    expect(verdict.verified).toBe(false);
    expect(verdict.total_events).toBe(0);
  });

  it("throws a coded error naming the path when the source does not exist", async () => {
    await expect(verifyAuditLog({ source: "/nonexistent/iddio" })).rejects.toMatchObject({
      code: "SOURCE_NOT_FOUND",
      message: expect.stringContaining("/nonexistent/iddio"),
    });
  });
});

describe("verifyAuditLog with hashing workers", () => {
  const files = ["chain.jsonl", "chain-omit.jsonl", "rotated", ...Object.keys(expected)];
  for (const file of files) {
    it(`reports the same verdict for ${file} on the main thread, in workers and while mapping`, async () => {
      const source = join(GO, file);
      const strip = (v: { verified_at: string }) => ({ ...v, verified_at: "" });
      const single = strip(await verifyAuditLog({ source, hashThreads: 0 }));
      const workers = strip(await verifyAuditLog({ source, hashThreads: 2 }));
      const records: unknown[] = [];
      const mapping = strip(await readAuditChain(jsonlSource(source), collect(records), { hashThreads: 2 }));
      expect(workers).toEqual(single);
      expect(mapping).toEqual(single);
      expect(records.length).toBe(single.total_events);
    });
  }
});

/** A sink that reads every record the way an export does and keeps it. */
function collect(records: unknown[]): ChainSink {
  const consumer = {
    consume: (record: unknown) => void records.push(record),
    unreadable: () => void records.push("unreadable"),
  };
  return {
    block: (scanned, file, firstLine) => mapBlock(consumer, scanned, file, firstLine),
    record: (record) => void records.push(record),
  };
}
