import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import type { ExportEvidenceOptions } from "../export/export-options.ts";
import { chainOrder, refLeaf, refRoot } from "../test-support/merkle-reference.ts";
import { readLogIndependently } from "../test-support/read-log-independently.ts";
import { command, writeChain, writeRawChain } from "../test-support/write-chain.ts";

const SAMPLE = fileURLToPath(new URL("../../../../examples/iddio-home/", import.meta.url));
type Rec = Record<string, unknown>;

/** The segment and root the rule gives, computed from records in chain order (the oracle). */
function expectedMerkle(chain: Rec[], from: string, toExclusive: string, base = 0) {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${toExclusive}T00:00:00Z`);
  const time = (r: Rec) => Date.parse(r.timestamp as string);
  let first = chain.findIndex((r) => time(r) >= start);
  if (first === -1) first = chain.length;
  let stop = chain.findIndex((r, i) => i >= first && time(r) >= end);
  if (stop === -1) stop = chain.length;
  const segment = chain.slice(first, stop);
  const at = (i: number) => chain[i] as Rec;
  return {
    algorithm: "rfc6962-sha256",
    root: refRoot(segment.map((r) => refLeaf(Buffer.from(r.hash as string, "hex")))).toString("hex"),
    size: segment.length,
    first:
      segment.length > 0
        ? { index: base + first, hash: at(first).hash, prev_hash: at(first).prev_hash }
        : null,
    last: segment.length > 0 ? { index: base + stop - 1, hash: at(stop - 1).hash } : null,
  };
}

async function exportMerkle(
  source: string,
  from: string,
  to: string,
  extra: Partial<ExportEvidenceOptions> = {},
) {
  const output = join(mkdtempSync(join(tmpdir(), "merkle-")), "pkg");
  const result = await exportEvidence({
    source,
    from,
    to,
    format: "json",
    output,
    now: () => new Date("2026-06-01T00:00:00Z"),
    ...extra,
  });
  const integrity = JSON.parse(readFileSync(join(output, "audit-log-integrity.json"), "utf8"));
  expect(integrity.merkle).toEqual(result.summary.merkle);
  return result.summary.merkle;
}

const sample = chainOrder(readLogIndependently(SAMPLE));

describe("the period's Merkle tree, built in the export's pass", () => {
  it("covers exactly February's events of the sample, as an independent tree over them gives", async () => {
    expect(await exportMerkle(SAMPLE, "2026-02-01", "2026-02-28")).toEqual(
      expectedMerkle(sample, "2026-02-01", "2026-03-01"),
    );
  });

  it("is the same with the mapping thread and hashing workers as on one thread", async () => {
    const want = expectedMerkle(sample, "2026-01-01", "2026-04-01");
    expect(
      await exportMerkle(SAMPLE, "2026-01-01", "2026-03-31", { mappingThread: true, hashThreads: 1 }),
    ).toEqual(want);
    expect(
      await exportMerkle(SAMPLE, "2026-01-01", "2026-03-31", { mappingThread: false, hashThreads: 0 }),
    ).toEqual(want);
  });

  it("makes consecutive months meet: February starts at the event after January's last, linked to it", async () => {
    const jan = await exportMerkle(SAMPLE, "2026-01-01", "2026-01-31");
    const feb = await exportMerkle(SAMPLE, "2026-02-01", "2026-02-28");
    expect(feb?.first?.index).toBe((jan?.last?.index ?? -2) + 1);
    expect(feb?.first?.prev_hash).toBe(jan?.last?.hash);
  });

  it("gives an empty period the root of no leaves and no first or last event", async () => {
    const home = writeChain([
      command({ timestamp: "2026-01-10T00:00:00Z" }),
      command({ timestamp: "2026-03-10T00:00:00Z" }),
    ]);
    expect(await exportMerkle(home, "2026-02-01", "2026-02-28")).toEqual({
      algorithm: "rfc6962-sha256",
      root: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      size: 0,
      first: null,
      last: null,
    });
  });

  it("puts an event whose timestamp goes back across the boundary in the later period, so periods still meet", async () => {
    const records = [
      command({ timestamp: "2026-01-31T23:00:00Z" }),
      command({ timestamp: "2026-02-01T00:00:00Z" }),
      command({ timestamp: "2026-01-31T23:59:59.999Z" }),
      command({ timestamp: "2026-02-02T00:00:00Z" }),
    ];
    const home = writeChain(records);
    const chain = chainOrder(readLogIndependently(home));
    const jan = await exportMerkle(home, "2026-01-01", "2026-01-31");
    const feb = await exportMerkle(home, "2026-02-01", "2026-02-28");
    expect(jan).toEqual(expectedMerkle(chain, "2026-01-01", "2026-02-01"));
    expect(jan?.size).toBe(1);
    expect(feb?.size).toBe(3);
    expect(feb?.first?.index).toBe(1);
  });

  it("takes lines the byte scan cannot read (no timestamp) where they are in the chain, the last one included", async () => {
    const home = writeRawChain([
      '{"timestamp":"2026-01-31T10:00:00Z","agent":"a","decision":"allow"',
      '{"timestamp":"2026-02-01T10:00:00Z","agent":"a","decision":"allow"',
      '{"agent":"no-time","decision":"allow"',
      '{"timestamp":"2026-02-02T10:00:00Z","agent":"a","decision":"allow"',
      '{"agent":"no-time-either","decision":"deny"',
      '{"timestamp":"2026-03-01T00:00:00Z","agent":"a","decision":"allow"',
    ]);
    const chain = chainOrder(readLogIndependently(home));
    const merkle = await exportMerkle(home, "2026-02-01", "2026-02-28");
    expect(merkle).toEqual(expectedMerkle(chain, "2026-02-01", "2026-03-01"));
    expect(merkle?.size).toBe(4);
    expect(merkle?.last?.index).toBe(4);
  });

  it("counts indexes from genesis when the log starts right after a trusted checkpoint", async () => {
    const records = Array.from({ length: 12 }, (_, i) =>
      command({ timestamp: `2026-02-${String(i + 1).padStart(2, "0")}T08:00:00Z` }),
    );
    const home = writeChain(records);
    const path = join(home, "audit.jsonl");
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    const checkpoint = JSON.parse(lines[4] as string) as Rec;
    writeFileSync(path, `${lines.slice(5).join("\n")}\n`);
    const merkle = await exportMerkle(home, "2026-02-01", "2026-02-28", {
      anchor: { hash: checkpoint.hash as string, events: 5 },
    });
    expect(merkle).toEqual(
      expectedMerkle(
        chainOrder(readLogIndependently(home), checkpoint.hash as string),
        "2026-02-01",
        "2026-03-01",
        5,
      ),
    );
    expect(merkle?.first?.index).toBe(5);
  });
});
