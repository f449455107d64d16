import type { GoField } from "@iddio-compliance/schema";
import type { PolicyDocument } from "./policy.ts";
import type { Random } from "./random.ts";
import type { SilentGap } from "./rhythm.ts";
import { DAY, HOUR, MINUTE } from "./time.ts";

/** What a scheduled record changes in the simulated world when it is written. */
export type Effect =
  | { readonly type: "policy"; readonly policy: PolicyDocument }
  | { readonly type: "agent-created"; readonly agent: string }
  | { readonly type: "agent-removed"; readonly agent: string }
  | { readonly type: "proxy-upgraded" };

/** A lifecycle record due at a given instant. */
export interface Scheduled {
  readonly at: number;
  readonly record: Record<string, unknown>;
  /** The Go struct the record is marshalled with. */
  readonly fields: readonly GoField[];
  readonly effect?: Effect;
}

/** A weekday working-hours instant on or after `ms` (09:00–17:59 UTC). */
export function workingTime(random: Random, ms: number): number {
  let day = Math.floor(ms / DAY) * DAY;
  for (;;) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) break;
    day += DAY;
  }
  const t = day + random.int(9, 17) * HOUR + random.int(0, 59) * MINUTE + random.int(0, 59) * 1000;
  return t < ms ? workingTime(random, day + DAY) : t;
}

/**
 * Moves an instant that falls inside the silent gap to the morning after it (09:00 UTC onwards),
 * keeping the order of moved instants: whatever was due during the outage happens when people
 * are back.
 */
export function outsideGap(ms: number, gap: SilentGap | undefined): number {
  if (gap === undefined || ms < gap.start || ms >= gap.end) return ms;
  return gap.end + 9 * HOUR + Math.floor((ms - gap.start) / 1000 / 100) * 1000;
}
