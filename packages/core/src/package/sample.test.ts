import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { chainOrder, refLeaf, refPath } from "../test-support/merkle-reference.ts";
import { readLogIndependently } from "../test-support/read-log-independently.ts";
import { command, writeChain } from "../test-support/write-chain.ts";
import { drawSample } from "./draw-sample.ts";
import { readSummaryFile } from "./read-package.ts";
import { verifySample } from "./verify-sample.ts";

const SAMPLE = fileURLToPath(new URL("../../../../examples/iddio-home/", import.meta.url));
let root: string;
let feb: string;
let jan: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "sample-"));
  feb = join(root, "feb");
  jan = join(root, "jan");
  for (const [output, from, to] of [
    [feb, "2026-02-01", "2026-02-28"],
    [jan, "2026-01-01", "2026-01-31"],
  ] as const)
    await exportEvidence({
      source: SAMPLE,
      from,
      to,
      format: "json",
      output,
      now: () => new Date("2026-04-02T00:00:00Z"),
    });
}, 120_000);

let n = 0;
async function draw(
  population: Parameters<typeof drawSample>[0]["population"],
  size: number,
  seed: string,
  pkg = feb,
) {
  const output = join(root, `sample-${n++}.json`);
  return drawSample({
    package: pkg,
    source: SAMPLE,
    population,
    size,
    seed,
    output,
    now: () => new Date("2026-04-03T00:00:00Z"),
  });
}
const edit = (file: string, change: (json: any) => void) => {
  const json = JSON.parse(readFileSync(file, "utf8"));
  change(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
};

/** The documented selection algorithm, written again from docs/verifying-evidence.md. */
function positionsByTheBook(
  population: string,
  summarySha256: string,
  seed: string,
  m: number,
  size: number,
) {
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const key = sha(`iddio-compliance-sample/v1\n${population}\n${summarySha256}\n${seed}`);
  if (size >= m) return [...Array(m).keys()];
  const out: number[] = [];
  const limit = BigInt(2 ** 52) - (BigInt(2 ** 52) % BigInt(m));
  for (let counter = 0; out.length < size && counter < 100_000; counter++) {
    const x = BigInt(`0x${sha(`${key}:${counter}`).slice(0, 13)}`);
    if (x >= limit) continue;
    const p = Number(x % BigInt(m));
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

describe("draw and verifySample", () => {
  it("draws the events the documented algorithm gives, with the proofs an independent tree gives, and they verify", async () => {
    const { file, sample } = await draw("events", 10, "soc2-2026 auditor seed");
    const digest = readSummaryFile(feb).sha256;
    const merkle = readSummaryFile(feb).summary.merkle;
    expect(sample.items.map((i) => i.position)).toEqual(
      positionsByTheBook("events", digest, "soc2-2026 auditor seed", merkle?.size ?? 0, 10),
    );
    const chain = chainOrder(readLogIndependently(SAMPLE));
    const first = merkle?.first?.index ?? 0;
    const leaves = chain
      .slice(first, first + (merkle?.size ?? 0))
      .map((r) => refLeaf(Buffer.from(r.hash as string, "hex")));
    for (const item of sample.items) {
      expect(item.event_index).toBe(first + item.position);
      expect(item.proof).toEqual(refPath(item.leaf_index, leaves).map((b) => b.toString("hex")));
      expect(JSON.parse(item.log_line)).toEqual(chain[item.event_index]);
    }
    const verdict = verifySample(feb, file);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ranksChecked).toBe(true);
  });

  it("gives the same sample for the same seed and package, and another for another seed", async () => {
    const a = await draw("denied_requests", 10, "seed-1");
    const b = await draw("denied_requests", 10, "seed-1");
    const c = await draw("denied_requests", 10, "seed-2");
    expect(a.sample.items).toEqual(b.sample.items);
    expect(c.sample.items.map((i) => i.position)).not.toEqual(a.sample.items.map((i) => i.position));
  });

  it("samples denied requests as the package lists them, each tied to its log line", async () => {
    const { file, csvFile, sample } = await draw("denied_requests", 8, "denied");
    const listed = JSON.parse(readFileSync(join(feb, "cc6.1-access-controls.json"), "utf8")).denied_requests
      .items;
    expect(sample.sample.population_size).toBe(listed.length);
    for (const item of sample.items) {
      expect(item.evidence).toEqual(listed[item.position]);
      expect(JSON.parse(item.log_line).decision).toBe("deny");
    }
    expect(verifySample(feb, file).problems).toEqual([]);
    const rows = parseCsv(readFileSync(csvFile, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => Number(r.position))).toEqual(sample.items.map((i) => i.position));
  });

  it("samples escalations found by their records, and says their ranks need the log", async () => {
    const { file, sample } = await draw("escalations", 5, "esc");
    for (const item of sample.items) expect(JSON.parse(item.log_line).decision).toBe("escalate");
    const verdict = verifySample(feb, file);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ranksChecked).toBe(false);
  });

  it("reports a forged item: an edited log line, an edited row, another event in its place", async () => {
    const { file, sample } = await draw("denied_requests", 6, "forgery");
    const other = (await draw("denied_requests", 40, "another")).sample.items.find(
      (i) => !sample.items.some((s) => s.position === i.position),
    );
    edit(file, (s) => {
      s.items[0].log_line = s.items[0].log_line.replace('"decision":"deny"', '"decision":"allow"');
      s.items[1].evidence.agent = "someone-else";
      s.items[2] = { ...other, draw: 3 };
    });
    const problems = verifySample(feb, file).problems.map((p) => `${p.draw}: ${p.problem}`);
    expect(problems).toEqual(["3: selection", "1: line", "2: evidence"]);
  });

  it("reports a wrong seed, and a sample of another package", async () => {
    const { file } = await draw("events", 5, "right seed");
    edit(file, (s) => {
      s.sample.seed = "wrong seed";
    });
    const kinds = verifySample(feb, file).problems.map((p) => p.problem);
    expect(kinds[0]).toBe("selection");
    expect(kinds.every((k) => k === "selection")).toBe(true);
    const fromJan = await draw("events", 5, "x", jan);
    expect(verifySample(feb, fromJan.file).problems.map((p) => p.problem)).toContain("other_package");
  });

  it("refuses to draw from a log that does not give the package's Merkle root, naming --source", async () => {
    const other = writeChain([command({ timestamp: "2026-02-03T00:00:00Z" })]);
    await expect(
      drawSample({
        package: feb,
        source: other,
        population: "events",
        size: 3,
        seed: "s",
        output: join(root, "x.json"),
      }),
    ).rejects.toThrow(/--source: the log in .* does not give this package's Merkle root/);
  });
});
