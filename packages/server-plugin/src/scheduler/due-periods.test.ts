import { describe, expect, it } from "vitest";
import { createCronSchedule } from "../config/cron-schedule.ts";
import { duePeriods } from "./due-periods.ts";

const monthly = createCronSchedule("0 0 1 * *", "UTC");

describe("duePeriods", () => {
  it("owes every month missed since the last completed one, oldest first", () => {
    const due = duePeriods({
      kind: "previous_month",
      schedule: monthly,
      now: new Date("2026-04-15T12:00:00Z"),
      initializedAt: new Date("2025-11-20T00:00:00Z"),
      lastCompleted: { from: "2025-12-01", to: "2025-12-31" },
    });
    expect(due).toEqual([
      { from: "2026-01-01", to: "2026-01-31" },
      { from: "2026-02-01", to: "2026-02-28" },
      { from: "2026-03-01", to: "2026-03-31" },
    ]);
  });

  it("owes nothing for fires before the plugin was first started", () => {
    const input = {
      kind: "previous_month" as const,
      schedule: monthly,
      initializedAt: new Date("2026-03-10T00:00:00Z"),
      lastCompleted: null,
    };
    expect(duePeriods({ ...input, now: new Date("2026-03-31T23:59:59Z") })).toEqual([]);
    expect(duePeriods({ ...input, now: new Date("2026-04-01T00:00:00Z") })).toEqual([
      { from: "2026-03-01", to: "2026-03-31" },
    ]);
  });

  it("computes the period in the schedule's time zone", () => {
    // 2026-04-01 00:00 in New York is 04:00 UTC; at 03:00 UTC the April 1st fire has not happened there.
    const ny = createCronSchedule("0 0 1 * *", "America/New_York");
    const input = {
      kind: "previous_month" as const,
      schedule: ny,
      initializedAt: new Date("2026-03-02T00:00:00Z"),
      lastCompleted: null,
    };
    expect(duePeriods({ ...input, now: new Date("2026-04-01T03:00:00Z") })).toEqual([]);
    expect(duePeriods({ ...input, now: new Date("2026-04-01T04:00:00Z") })).toEqual([
      { from: "2026-03-01", to: "2026-03-31" },
    ]);
  });

  it("owes quarters and days for previous_quarter and previous_day", () => {
    const quarterly = createCronSchedule("0 2 1 1,4,7,10 *", "UTC");
    expect(
      duePeriods({
        kind: "previous_quarter",
        schedule: quarterly,
        now: new Date("2026-07-02T00:00:00Z"),
        initializedAt: new Date("2025-12-01T00:00:00Z"),
        lastCompleted: null,
      }),
    ).toEqual([
      { from: "2025-10-01", to: "2025-12-31" },
      { from: "2026-01-01", to: "2026-03-31" },
      { from: "2026-04-01", to: "2026-06-30" },
    ]);
    const daily = createCronSchedule("30 0 * * *", "UTC");
    expect(
      duePeriods({
        kind: "previous_day",
        schedule: daily,
        now: new Date("2026-03-03T01:00:00Z"),
        initializedAt: new Date("2026-03-01T00:00:00Z"),
        lastCompleted: { from: "2026-03-01", to: "2026-03-01" },
      }),
    ).toEqual([{ from: "2026-03-02", to: "2026-03-02" }]);
  });

  it("covers everything since the last export in one period for since_last_export", () => {
    const weekly = createCronSchedule("0 0 * * 1", "UTC");
    expect(
      duePeriods({
        kind: "since_last_export",
        schedule: weekly,
        now: new Date("2026-03-20T00:00:00Z"),
        initializedAt: new Date("2026-01-01T00:00:00Z"),
        lastCompleted: { from: "2026-02-01", to: "2026-02-28" },
      }),
    ).toEqual([{ from: "2026-03-01", to: "2026-03-15" }]);
  });

  it("skips periods that already ended before the retention window", () => {
    const due = duePeriods({
      kind: "previous_month",
      schedule: monthly,
      now: new Date("2026-04-15T00:00:00Z"),
      initializedAt: new Date("2025-01-01T00:00:00Z"),
      lastCompleted: { from: "2025-06-01", to: "2025-06-30" },
      notBefore: "2026-01-15",
    });
    expect(due.map((p) => p.from)).toEqual(["2026-01-01", "2026-02-01", "2026-03-01"]);
  });
});
