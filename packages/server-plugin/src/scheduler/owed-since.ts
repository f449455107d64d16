import { makePeriod } from "@iddio-compliance/core";

/**
 * When periods start being owed: the state's first start, or the earlier `auto_export.backfill_from`
 * date (midnight in the schedule's zone), so a fresh install can export its history.
 */
export function owedSince(
  stateInitializedAt: string,
  backfillFrom: string | undefined,
  timeZone: string,
): Date {
  const initialized = new Date(stateInitializedAt);
  if (!backfillFrom) return initialized;
  const subjects = {
    from: "compliance.auto_export.backfill_from",
    to: "compliance.auto_export.backfill_from",
    tz: "compliance.timezone",
  };
  const backfill = new Date(makePeriod(backfillFrom, backfillFrom, timeZone, subjects).startMs);
  return backfill < initialized ? backfill : initialized;
}
