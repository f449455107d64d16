import { beforeAll, describe, expect, it } from "vitest";
import { type GenerateResult, generateHome } from "./generate-home.ts";
import type { GenerateOptions } from "./options.ts";
import { readRecords } from "./test-support/chain.ts";
import { instantOf, useScratch } from "./test-support/scratch.ts";
import { daylightSavingDays, startOfLocalDay } from "./time-zone.ts";

const dir = useScratch();
const utc = (iso: string) => Date.parse(iso);

describe("local day boundaries", () => {
  it("start at local midnight, 23 or 25 hours apart on daylight-saving days", () => {
    // Europe/Berlin: CET (+01:00) until 2026-03-29 02:00, then CEST (+02:00) until 2026-10-25 03:00.
    expect(startOfLocalDay(utc("2026-03-29T00:00:00Z"), "Europe/Berlin")).toBe(utc("2026-03-28T23:00:00Z"));
    expect(startOfLocalDay(utc("2026-03-30T00:00:00Z"), "Europe/Berlin")).toBe(utc("2026-03-29T22:00:00Z"));
    expect(startOfLocalDay(utc("2026-10-26T00:00:00Z"), "Europe/Berlin")).toBe(utc("2026-10-25T23:00:00Z"));
    // America/New_York: EST (-05:00) until 2026-03-08 02:00, then EDT (-04:00).
    expect(startOfLocalDay(utc("2026-03-08T00:00:00Z"), "America/New_York")).toBe(
      utc("2026-03-08T05:00:00Z"),
    );
    expect(startOfLocalDay(utc("2026-03-09T00:00:00Z"), "America/New_York")).toBe(
      utc("2026-03-09T04:00:00Z"),
    );
    expect(startOfLocalDay(utc("2026-03-09T00:00:00Z"), "UTC")).toBe(utc("2026-03-09T00:00:00Z"));
    expect(startOfLocalDay(utc("2026-01-01T00:00:00Z"), "Pacific/Kiritimati")).toBe(
      utc("2025-12-31T10:00:00Z"),
    );
  });

  it("name the daylight-saving days of a range and none in UTC", () => {
    const from = utc("2026-01-01T00:00:00Z");
    const to = utc("2027-01-01T00:00:00Z");
    const days = (zone: string) =>
      daylightSavingDays(from, to, zone).map((d) => new Date(d).toISOString().slice(0, 10));
    expect(days("Europe/Berlin")).toEqual(["2026-03-29", "2026-10-25"]);
    expect(days("America/New_York")).toEqual(["2026-03-08", "2026-11-01"]);
    expect(days("UTC")).toEqual([]);
  });
});

describe("boundaryZone", () => {
  const options: Omit<GenerateOptions, "outDir"> = {
    seed: "boundaries",
    from: "2026-03-01",
    to: "2026-03-31",
    events: 2_000,
    agents: 7,
    boundaryZone: "America/New_York",
    approvalRecords: "record",
  };
  let home = "";
  let result: GenerateResult;
  beforeAll(async () => {
    home = dir();
    result = await generateHome({ ...options, outDir: home });
  });

  it("places command events at 23:59:59.999 and 00:00:00.000 local around the period and its daylight-saving change", () => {
    const expected = [
      "2026-03-01T04:59:59.999Z",
      "2026-03-01T05:00:00.000Z", // 2026-03-01 00:00 EST: the period starts
      "2026-03-08T04:59:59.999Z",
      "2026-03-08T05:00:00.000Z", // 2026-03-08 00:00 EST: a 23-hour day
      "2026-03-09T03:59:59.999Z",
      "2026-03-09T04:00:00.000Z", // 2026-03-09 00:00 EDT
      "2026-04-01T03:59:59.999Z",
      "2026-04-01T04:00:00.000Z", // 2026-04-01 00:00 EDT: first instant after the period
    ].map(utc);
    expect(result.period).toEqual({
      zone: "America/New_York",
      start: utc("2026-03-01T05:00:00Z"),
      end: utc("2026-04-01T04:00:00Z"),
    });
    expect(result.boundaryInstants).toEqual(expected);
    const commandInstants = new Set(
      readRecords(home)
        .filter((r) => r.event === undefined)
        .map((r) => instantOf(r.timestamp)),
    );
    for (const instant of expected)
      expect(commandInstants.has(instant), new Date(instant).toISOString()).toBe(true);
    expect(result.commandEvents).toBe(options.events);
  });

  it("requests escalations before the start that resolve inside the period, and before the end that resolve after it or never", () => {
    const { start, end } = result.period;
    const records = readRecords(home);
    const requested = new Map<string, number>();
    const resolved = new Map<string, number>();
    for (const r of records) {
      if (r.event === "approval.requested") requested.set(String(r.request_id), instantOf(r.timestamp));
      else if (String(r.event).startsWith("approval."))
        resolved.set(String(r.request_id), instantOf(r.timestamp));
    }
    const across = (boundary: number) =>
      [...requested].filter(
        ([id, at]) => at < boundary && (resolved.get(id) ?? Number.POSITIVE_INFINITY) >= boundary,
      );
    const intoPeriod = across(start).filter(([id]) => resolved.has(id));
    const pastEnd = across(end).filter(([id]) => resolved.has(id));
    const never = across(end).filter(([id, at]) => !resolved.has(id) && at > end - 60_000);
    expect(intoPeriod.length).toBeGreaterThanOrEqual(2);
    expect(pastEnd.length).toBeGreaterThanOrEqual(2);
    expect(never.length).toBeGreaterThanOrEqual(1);
    expect(result.boundaryEscalations.map((e) => e.outcome).sort()).toEqual([
      "denied",
      "expired",
      "granted",
      "granted",
      "unresolved",
    ]);
    for (const e of result.boundaryEscalations) {
      expect(requested.get(e.requestId)).toBe(e.requestedAt);
      if (e.resolvedAt === undefined) expect(resolved.has(e.requestId)).toBe(false);
      else expect(Math.floor(e.resolvedAt / 1000) * 1000).toBe(resolved.get(e.requestId));
    }
  });
});
