import type { Random } from "./random.ts";
import { DAY, HOUR } from "./time.ts";

/** Relative traffic by UTC hour: quiet nights, a morning ramp, busy working hours. */
export const HOUR_WEIGHTS: readonly number[] = [
  0.12, 0.1, 0.09, 0.09, 0.11, 0.18, 0.3, 0.55, 0.85, 1, 1, 1, 0.9, 1, 1, 1, 0.95, 0.8, 0.6, 0.45, 0.35, 0.28,
  0.2, 0.15,
];

const HOUR_TOTAL = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
const HOUR_CDF: readonly number[] = HOUR_WEIGHTS.reduce<number[]>((acc, w) => {
  acc.push((acc[acc.length - 1] ?? 0) + w / HOUR_TOTAL);
  return acc;
}, []);

/** A span of time with no traffic and no records at all. */
export interface SilentGap {
  readonly start: number;
  readonly end: number;
}

/** The days of the simulated log and how many command events each gets. */
export interface TrafficPlan {
  /** UTC midnight of the first day (start of the preamble). */
  readonly start: number;
  /** Command events per day, from `start`. */
  readonly counts: readonly number[];
  readonly gap: SilentGap | undefined;
}

/** Inputs of {@link planTraffic}. */
export interface PlanInput {
  readonly preambleStart: number;
  readonly from: number;
  /** Exclusive end: midnight after the last day. */
  readonly end: number;
  readonly events: number;
}

/**
 * Spreads `events` command events over the days: light setup traffic in the preamble, weekdays
 * busier than weekends, a slow upward trend, the odd incident day and one silent gap of three days
 * (when the period is long enough to hold one).
 */
export function planTraffic(random: Random, input: PlanInput): TrafficPlan {
  const days = Math.round((input.end - input.preambleStart) / DAY);
  const mainDays = Math.round((input.end - input.from) / DAY);
  const preambleDays = days - mainDays;
  let gap: SilentGap | undefined;
  if (mainDays >= 10) {
    const first = preambleDays + Math.floor(mainDays * random.uniform(0.35, 0.55));
    gap = { start: input.preambleStart + first * DAY, end: input.preambleStart + (first + 3) * DAY };
  }
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = input.preambleStart + d * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const weekend = weekday === 0 ? 0.22 : weekday === 6 ? 0.3 : 1;
    let w: number;
    if (d < preambleDays) {
      // Setup traffic ramps up as agents are onboarded; the first day is setup records only.
      w = d === 0 ? 0 : 0.05 + (0.15 * d) / preambleDays;
    } else {
      const progress = (d - preambleDays) / Math.max(1, mainDays);
      w = (1 + 0.25 * progress) * random.uniform(0.8, 1.2) * (random.chance(0.04) ? 1.8 : 1);
    }
    w *= weekend;
    if (gap !== undefined && dayStart >= gap.start && dayStart < gap.end) w = 0;
    weights.push(w);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const counts: number[] = [];
  let cumulative = 0;
  let assigned = 0;
  for (const w of weights) {
    cumulative += w;
    const upTo = total > 0 ? Math.round((input.events * cumulative) / total) : 0;
    counts.push(upTo - assigned);
    assigned = upTo;
  }
  return { start: input.preambleStart, counts, gap };
}

/** Maps a uniform [0, 1) to a time of day (ms) following {@link HOUR_WEIGHTS}; monotonic. */
function timeOfDay(u: number): number {
  let hour = 0;
  while (hour < 23 && (HOUR_CDF[hour] ?? 1) <= u) hour++;
  const low = hour === 0 ? 0 : (HOUR_CDF[hour - 1] ?? 0);
  const high = HOUR_CDF[hour] ?? 1;
  const within = high > low ? (u - low) / (high - low) : 0;
  return (hour + Math.min(within, 0.999999)) * HOUR;
}

/**
 * Yields the plan's event times in ascending order without holding them: each day's times are the
 * order statistics of uniform draws, generated one at a time, then shaped by the hourly rhythm.
 */
export function* eventTimes(random: Random, plan: TrafficPlan): Generator<number> {
  for (let d = 0; d < plan.counts.length; d++) {
    const count = plan.counts[d] ?? 0;
    const dayStart = plan.start + d * DAY;
    let u = 0;
    for (let i = 0; i < count; i++) {
      u += (1 - u) * (1 - random.next() ** (1 / (count - i)));
      yield dayStart + Math.floor(timeOfDay(u) / 1000) * 1000;
    }
  }
}

/**
 * Plans `days` days of traffic from `start` (UTC midnight after the period) at the period's
 * average daily count, weekends quieter as in {@link planTraffic}.
 */
export function planAfterTraffic(
  random: Random,
  period: TrafficPlan,
  from: number,
  start: number,
  days: number,
): TrafficPlan {
  const first = Math.round((from - period.start) / DAY);
  const periodCounts = period.counts.slice(first);
  // The period's average over all days, as a weekday count (a week averages 5.52 weekday units).
  const perDay = ((periodCounts.reduce((a, b) => a + b, 0) / Math.max(1, periodCounts.length)) * 7) / 5.52;
  const counts: number[] = [];
  let carry = 0;
  for (let d = 0; d < days; d++) {
    const weekday = new Date(start + d * DAY).getUTCDay();
    const weekend = weekday === 0 ? 0.22 : weekday === 6 ? 0.3 : 1;
    const exact = perDay * weekend * random.uniform(0.8, 1.2) + carry;
    const count = Math.round(exact);
    carry = exact - count;
    counts.push(count);
  }
  return { start, counts, gap: undefined };
}
