import { describe, expect, it } from "vitest";
import { createCronSchedule } from "../config/cron-schedule.ts";
import { duePeriods } from "./due-periods.ts";
import { owedSince } from "./owed-since.ts";

describe("owedSince", () => {
  it("lets a fresh install with backfill_from owe every month since that date", () => {
    const initializedAt = owedSince("2026-11-26T23:00:00Z", "2026-01-01", "UTC");
    const due = duePeriods({
      kind: "previous_month",
      schedule: createCronSchedule("0 0 1 * *", "UTC"),
      now: new Date("2026-11-26T23:00:00Z"),
      initializedAt,
      lastCompleted: { from: "2026-03-01", to: "2026-03-31" },
    });
    expect(due.map((p) => p.from)).toEqual([
      "2026-04-01",
      "2026-05-01",
      "2026-06-01",
      "2026-07-01",
      "2026-08-01",
      "2026-09-01",
      "2026-10-01",
    ]);
    expect(
      duePeriods({
        kind: "previous_month",
        schedule: createCronSchedule("0 0 1 * *", "UTC"),
        now: new Date("2026-11-26T23:00:00Z"),
        initializedAt,
        lastCompleted: null,
      })[0],
    ).toEqual({ from: "2026-01-01", to: "2026-01-31" });
  });

  it("keeps the first start when backfill_from is later or absent", () => {
    expect(owedSince("2026-02-01T00:00:00Z", "2026-05-01", "UTC").toISOString()).toBe(
      "2026-02-01T00:00:00.000Z",
    );
    expect(owedSince("2026-02-01T00:00:00Z", undefined, "UTC").toISOString()).toBe(
      "2026-02-01T00:00:00.000Z",
    );
  });

  it("reads the date at midnight in the schedule's time zone", () => {
    expect(owedSince("2026-11-01T00:00:00Z", "2026-01-01", "Europe/Berlin").toISOString()).toBe(
      "2025-12-31T23:00:00.000Z",
    );
  });
});
