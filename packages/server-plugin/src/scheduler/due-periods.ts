import type { PeriodDates } from "@iddio-compliance/core";
import type { CronSchedule } from "../config/cron-schedule.ts";
import type { PeriodKind } from "../config/resolve-config.ts";
import { addDays, dateInZone, type PlainDate } from "./calendar.ts";
import { periodAfter, periodForFire } from "./period.ts";

/** What decides which periods are due. */
export interface DuePeriodsInput {
  kind: PeriodKind;
  schedule: CronSchedule;
  now: Date;
  /** When the plugin first ran with this state: fires before it are not owed. */
  initializedAt: Date;
  /** The newest period already exported, if any. */
  lastCompleted: PeriodDates | null;
  /** Periods that end before this date are past retention and not exported. */
  notBefore?: PlainDate;
}

// A bound on catch-up enumeration; no realistic outage comes near it (100 years of days).
const MAX_PERIODS = 36_600;

/**
 * Every period owed at `now`, oldest first: one per fire of the schedule since the last completed
 * period (or since initialisation), up to the period of the latest fire at or before `now`.
 */
export function duePeriods(input: DuePeriodsInput): PeriodDates[] {
  const { kind, schedule, now, lastCompleted } = input;
  const tz = schedule.timeZone;
  const latest = schedule.latestAtOrBefore(now);
  if (!latest || latest.getTime() <= input.initializedAt.getTime()) return [];
  const fireDate = dateInZone(latest, tz);

  if (kind === "since_last_export") {
    const since = lastCompleted ? addDays(lastCompleted.to, 1) : dateInZone(input.initializedAt, tz);
    const period = periodForFire(kind, fireDate, since);
    return period ? [period] : [];
  }

  const target = periodForFire(kind, fireDate, fireDate);
  let current: PeriodDates | null;
  if (lastCompleted) current = periodAfter(kind, lastCompleted);
  else {
    const first = schedule.nextAfter(input.initializedAt);
    current = first ? periodForFire(kind, dateInZone(first, tz), fireDate) : null;
  }
  const out: PeriodDates[] = [];
  for (let i = 0; current && target && current.from <= target.from && i < MAX_PERIODS; i++) {
    const done = lastCompleted !== null && current.to <= lastCompleted.to;
    const expired = input.notBefore !== undefined && current.to < input.notBefore;
    if (!done && !expired) out.push(current);
    current = periodAfter(kind, current);
  }
  return out;
}
