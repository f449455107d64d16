import { Cron } from "croner";

/** A validated cron schedule in a time zone; computes fire times without running any timer. */
export interface CronSchedule {
  readonly pattern: string;
  readonly timeZone: string;
  /** The first fire time strictly after `after`, or `null` when there is none. */
  nextAfter(after: Date): Date | null;
  /** The last fire time at or before `at`, or `null` when there is none. */
  latestAtOrBefore(at: Date): Date | null;
}

/** Parses `pattern` in `timeZone`; throws croner's error when either is invalid. */
export function createCronSchedule(pattern: string, timeZone: string): CronSchedule {
  // `paused`: croner computes dates only; the plugin's own clock runs the timers.
  const cron = new Cron(pattern, { timezone: timeZone, paused: true, mode: "5-or-6-parts" });
  cron.nextRun(new Date(0));
  return {
    pattern,
    timeZone,
    nextAfter: (after) => cron.nextRun(after),
    latestAtOrBefore(at) {
      // previousRuns looks strictly before its reference; a fire exactly at `at` counts here.
      const [latest] = cron.previousRuns(1, new Date(at.getTime() + 1));
      return latest ?? null;
    },
  };
}
