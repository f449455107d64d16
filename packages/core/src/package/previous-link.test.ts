import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { command, writeChain } from "../test-support/write-chain.ts";
import { previousLinkOf } from "./previous-link.ts";
import { readSummaryFile } from "./read-package.ts";

const home = writeChain([
  command({ timestamp: "2026-01-05T00:00:00Z" }),
  command({ timestamp: "2026-01-20T00:00:00Z" }),
  command({ timestamp: "2026-03-05T00:00:00Z" }),
]);
const out = () => join(mkdtempSync(join(tmpdir(), "link-")), "pkg");
const month = (from: string, to: string, extra = {}) =>
  exportEvidence({ source: home, from, to, format: "json", output: out(), ...extra });

describe("previous links", () => {
  it("link a package to the one before it by period, digest and where its events end", async () => {
    const jan = await month("2026-01-01", "2026-01-31");
    const file = readSummaryFile(jan.dir);
    expect(previousLinkOf(file)).toEqual({
      period: jan.summary.period,
      summary_sha256: file.sha256,
      chain_head: jan.summary.merkle?.last?.hash,
      events_through: 2,
    });
    const feb = await month("2026-02-01", "2026-02-28", { previous: previousLinkOf(file) });
    expect(feb.summary.previous?.summary_sha256).toBe(file.sha256);
  });

  it("carry an empty month's predecessor position on to its successor", async () => {
    const jan = await month("2026-01-01", "2026-01-31");
    const feb = await month("2026-02-01", "2026-02-28", {
      previous: previousLinkOf(readSummaryFile(jan.dir)),
    });
    expect(feb.summary.merkle?.size).toBe(0);
    const link = previousLinkOf(readSummaryFile(feb.dir));
    expect(link.events_through).toBe(2);
    expect(link.chain_head).toBe(jan.summary.merkle?.last?.hash);
  });

  it("refuse an empty package that records no predecessor, naming --previous", async () => {
    const feb = await month("2026-02-01", "2026-02-28");
    expect(() => previousLinkOf(readSummaryFile(feb.dir))).toThrow(
      /--previous: .*holds no event and it records no predecessor/,
    );
  });

  it("refuse a predecessor that does not end the day before, or is in another time zone", async () => {
    const link = previousLinkOf(readSummaryFile((await month("2026-01-01", "2026-01-31")).dir));
    await expect(month("2026-03-01", "2026-03-31", { previous: link })).rejects.toThrow(
      /--previous: the previous package covers 2026-01-01..2026-01-31 \(UTC\); a package that follows it starts on 2026-02-01/,
    );
    await expect(
      month("2026-02-01", "2026-02-28", { previous: link, timeZone: "Europe/Paris" }),
    ).rejects.toThrow(/not 2026-02-01 \(Europe\/Paris\)/);
  });
});
