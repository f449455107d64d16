import type { BoundaryEscalation } from "./boundaries.ts";
import type { Random } from "./random.ts";
import { DAY, SECOND } from "./time.ts";

/** One command event's place in time. */
export interface Tick {
  readonly at: number;
  /** Part of a burst: same instant and same timestamp text as the command event before it. */
  readonly repeat: boolean;
  /** A boundary escalation to generate here instead of ordinary traffic. */
  readonly escalation?: BoundaryEscalation;
}

/** Options of {@link timeline}. */
export interface TimelineOptions {
  /** Whether ordinary events move to a random millisecond of their second. */
  readonly subsecond: boolean;
  /** Probability that an ordinary event starts a burst of 2–5 events at its instant. */
  readonly bursts: number;
  /** Boundary command events, ascending. */
  readonly instants: readonly number[];
  /** Boundary escalations, ascending. */
  readonly escalations: readonly BoundaryEscalation[];
}

/**
 * Turns ascending whole-second event times into ticks, still ascending: each moved to a random
 * millisecond of its second (kept in order within the second), the boundary events and
 * escalations merged in, and some events followed by a burst that repeats their instant (the
 * burst takes the place of the events after it on the same day, so the count does not change).
 * With no option set the times pass through unchanged.
 */
export function* timeline(
  random: Random,
  times: Iterable<number>,
  options: TimelineOptions,
): Generator<Tick> {
  const specials: Tick[] = [
    ...options.instants.map((at) => ({ at, repeat: false })),
    ...options.escalations.map((escalation) => ({ at: escalation.at, repeat: false, escalation })),
  ].sort((a, b) => a.at - b.at);
  let next = 0;
  let second = Number.NaN;
  let milli = 0;
  let last = Number.NaN;
  let burst = 0;
  for (const time of times) {
    let at = time;
    if (options.subsecond) {
      milli = time === second ? random.int(milli, SECOND - 1) : random.int(0, SECOND - 1);
      second = time;
      at = time + milli;
    }
    for (let s = specials[next]; s !== undefined && s.at <= at; s = specials[++next]) {
      yield s;
      last = s.at;
      burst = 0;
    }
    // A burst stays within its UTC day, so it never reaches into the silent gap or past the
    // period's last day (the lines before the end do not depend on what follows it).
    if (burst > 0 && Math.floor(at / DAY) === Math.floor(last / DAY)) {
      burst--;
      yield { at: last, repeat: true };
      continue;
    }
    burst = 0;
    yield { at, repeat: false };
    last = at;
    if (options.bursts > 0 && random.chance(options.bursts)) burst = random.int(1, 4);
  }
  for (let s = specials[next]; s !== undefined; s = specials[++next]) yield s;
}
