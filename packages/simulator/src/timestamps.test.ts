import { describe, expect, it } from "vitest";
import { generateHome } from "./generate-home.ts";
import { Random } from "./random.ts";
import { chainOrder, readAuditFiles, readRecords, verifyFiles } from "./test-support/chain.ts";
import { instantOf, RFC3339, useScratch } from "./test-support/scratch.ts";
import { TimestampWriter } from "./timestamps.ts";

const dir = useScratch();
const small = { seed: "timestamps", from: "2026-02-01", to: "2026-02-14", events: 2_000, agents: 6 } as const;

describe("TimestampWriter", () => {
  const millis = [0, 120, 100, 5, 999, 450];
  const instants = Array.from(
    { length: 400 },
    (_, i) => Date.UTC(2026, 1, 1) + i * 7_777_000 + (millis[i % millis.length] ?? 0),
  );

  it("writes whole seconds as iddio's example and a sub-second instant with its milliseconds by default", () => {
    const writer = new TimestampWriter(new Random(1), { offsetShare: 0, varyFraction: false });
    expect(writer.format(Date.UTC(2026, 1, 8, 10, 15, 30))).toBe("2026-02-08T10:15:30Z");
    expect(writer.format(Date.UTC(2026, 1, 28, 23, 59, 59, 999))).toBe("2026-02-28T23:59:59.999Z");
    expect(writer.format(Date.UTC(2026, 1, 28, 23, 59, 59, 5))).toBe("2026-02-28T23:59:59.005Z");
  });

  it("writes offsets and fractions of varied width without changing the instant", () => {
    const writer = new TimestampWriter(new Random(2), { offsetShare: 0.5, varyFraction: true });
    const written = instants.map((ms) => writer.format(ms));
    written.forEach((text, i) => {
      expect(text).toMatch(RFC3339);
      expect(instantOf(text)).toBe(instants[i]);
    });
    const offsets = new Set(written.map((t) => /(Z|[+-]\d{2}:\d{2})$/.exec(t)?.[1]));
    expect(offsets.has("Z")).toBe(true);
    for (const o of ["+02:00", "-05:00", "+05:45", "+00:00"]) expect(offsets.has(o), o).toBe(true);
    const widths = new Set(written.map((t) => /\.(\d+)/.exec(t)?.[1]?.length ?? 0));
    for (const w of [0, 3, 6, 9]) expect(widths.has(w), String(w)).toBe(true);
    expect([...widths].some((w) => w === 1 || w === 2)).toBe(true);
    // A local date that differs from the UTC date.
    expect(written.some((t) => t.slice(0, 10) !== new Date(instantOf(t)).toISOString().slice(0, 10))).toBe(
      true,
    );
  });
});

describe("timestamp options", () => {
  it("write every record's timestamp in RFC 3339 with offsets and fractions, in order, hashed as written", async () => {
    const home = dir();
    await generateHome({ ...small, outDir: home, timestampOffsets: 0.4, subsecondTimestamps: true });
    const records = readRecords(home);
    const stamps = records.map((r) => String(r.timestamp));
    for (const s of stamps) expect(s).toMatch(RFC3339);
    expect(stamps.filter((s) => !s.endsWith("Z")).length).toBeGreaterThan(records.length * 0.3);
    expect(stamps.filter((s) => s.endsWith("Z")).length).toBeGreaterThan(records.length * 0.5);
    const commands = records.filter((r) => r.event === undefined);
    const subsecond = commands.filter((r) => instantOf(r.timestamp) % 1000 !== 0);
    expect(subsecond.length).toBeGreaterThan(commands.length * 0.9);
    expect(verifyFiles(chainOrder(readAuditFiles(home)))).toEqual([]);
  });

  it("write bursts of command events with the identical timestamp, keeping the number of events", async () => {
    const home = dir();
    const result = await generateHome({
      ...small,
      outDir: home,
      sameSecondBursts: 0.1,
      timestampOffsets: 0.3,
    });
    const commands = readRecords(home).filter((r) => r.event === undefined);
    expect(commands).toHaveLength(small.events);
    expect(result.commandEvents).toBe(small.events);
    let runs = 0;
    let longest = 1;
    let run = 1;
    for (let i = 1; i < commands.length; i++) {
      run = commands[i]?.timestamp === commands[i - 1]?.timestamp ? run + 1 : 1;
      if (run === 2) runs++;
      longest = Math.max(longest, run);
    }
    expect(runs).toBeGreaterThan(100);
    expect(longest).toBeGreaterThanOrEqual(4);
    expect(verifyFiles(chainOrder(readAuditFiles(home)))).toEqual([]);
  });
});
