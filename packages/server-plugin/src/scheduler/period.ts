import type { PeriodDates } from "@iddio-compliance/core";
import type { PeriodKind } from "../config/resolve-config.ts";
import { addDays, monthStart, type PlainDate, quarterStart } from "./calendar.ts";

/** The storage and ledger key of a period: `<from>_<to>`. */
export function periodKey(period: PeriodDates): string {
  return `${period.from}_${period.to}`;
}

/** Parses a key written by {@link periodKey}; `null` for anything else. */
export function parsePeriodKey(key: string): PeriodDates | null {
  const m = /^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$/.exec(key);
  return m?.[1] && m[2] && m[1] <= m[2] ? { from: m[1], to: m[2] } : null;
}

/**
 * The period exported by a schedule that fires on local date `fireDate`. For `since_last_export`
 * the period runs from `sinceDate` through the day before the fire; `null` when that is empty.
 */
export function periodForFire(
  kind: PeriodKind,
  fireDate: PlainDate,
  sinceDate: PlainDate,
): PeriodDates | null {
  switch (kind) {
    case "previous_day": {
      const day = addDays(fireDate, -1);
      return { from: day, to: day };
    }
    case "previous_month":
      return { from: monthStart(fireDate, -1), to: addDays(monthStart(fireDate), -1) };
    case "previous_quarter":
      return { from: quarterStart(fireDate, -1), to: addDays(quarterStart(fireDate), -1) };
    case "since_last_export": {
      const to = addDays(fireDate, -1);
      return sinceDate <= to ? { from: sinceDate, to } : null;
    }
  }
}

/** The calendar period right after `period` for the fixed-length kinds. */
export function periodAfter(
  kind: Exclude<PeriodKind, "since_last_export">,
  period: PeriodDates,
): PeriodDates {
  const next = addDays(period.to, 1);
  if (kind === "previous_day") return { from: next, to: next };
  if (kind === "previous_month") return { from: monthStart(next), to: addDays(monthStart(next, 1), -1) };
  return { from: quarterStart(next), to: addDays(quarterStart(next, 1), -1) };
}
