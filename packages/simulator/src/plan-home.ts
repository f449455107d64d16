import { type AfterPeriodPlan, planAfterPeriod } from "./after-period.ts";
import { AFTER_PERIOD_AGENT, buildRoster } from "./agents.ts";
import { ApprovalPlanner } from "./approvals.ts";
import { type BoundaryPlan, planBoundaries } from "./boundaries.ts";
import { type LifecyclePlan, planLifecycle } from "./lifecycle.ts";
import type { ResolvedOptions } from "./options.ts";
import type { Random } from "./random.ts";
import { eventTimes, planAfterTraffic, planTraffic, type TrafficPlan } from "./rhythm.ts";
import type { Scheduled } from "./schedule.ts";
import { DAY, HOUR, MINUTE } from "./time.ts";
import { type Tick, timeline } from "./timeline.ts";
import { TimestampWriter } from "./timestamps.ts";
import { TrafficGenerator } from "./traffic.ts";

/** Everything decided before the first line is written, and the generators that draw the rest. */
export interface HomePlan {
  readonly plan: TrafficPlan;
  /** The period's boundaries in `boundaryZone`, when given. */
  readonly boundaries: BoundaryPlan | undefined;
  /** The boundaries whose events are in the log (none when `events` is too small to hold them). */
  readonly placed: BoundaryPlan | undefined;
  readonly lifecycle: LifecyclePlan;
  readonly after: AfterPeriodPlan | undefined;
  /** Every lifecycle record due, in time order. */
  readonly scheduled: readonly Scheduled[];
  /** When command events happen, in time order. */
  readonly ticks: Iterable<Tick>;
  /** Command events in the whole log. */
  readonly totalCommands: number;
  readonly traffic: TrafficGenerator;
  readonly recordingRandom: Random;
  readonly stamps: TimestampWriter;
  readonly approvals: ApprovalPlanner;
}

/**
 * Plans a home from resolved options: the roster, the days' traffic, the boundary events, the
 * lifecycle story and what follows the period. Each part draws from its own fork of `root`, so
 * an option that adds a part leaves the others' draws unchanged.
 */
export function planHome(root: Random, resolved: ResolvedOptions): HomePlan {
  const preambleStart = resolved.from - resolved.preambleDays * DAY;
  const setupStart =
    resolved.preambleDays >= 1
      ? preambleStart + 9 * HOUR + root.fork("setup").int(0, 30) * MINUTE
      : resolved.from - 3 * HOUR;
  const roster = buildRoster(root.fork("roster"), resolved.agents, resolved.awkwardAgentNames);
  const planInput = { preambleStart, from: resolved.from, end: resolved.end, events: resolved.events };
  let plan = planTraffic(root.fork("rhythm"), planInput);
  const boundaries =
    resolved.boundaryZone === undefined
      ? undefined
      : planBoundaries(root.fork("boundaries"), {
          zone: resolved.boundaryZone,
          from: resolved.from,
          end: resolved.end,
          gap: plan.gap,
          earliest: setupStart + 10 * MINUTE,
        });
  const specials = (boundaries?.instants.length ?? 0) + (boundaries?.escalations.length ?? 0);
  const placed = boundaries !== undefined && specials < resolved.events ? boundaries : undefined;
  if (placed !== undefined) {
    // Boundary events are part of `events`; the same fork plans the same silent gap.
    plan = planTraffic(root.fork("rhythm"), { ...planInput, events: resolved.events - specials });
  }
  const lifecycle = planLifecycle(root.fork("lifecycle"), roster, {
    setupStart,
    from: resolved.from,
    end: resolved.end,
    gap: plan.gap,
  });
  const afterTraffic =
    resolved.afterDays === 0
      ? undefined
      : planAfterTraffic(root.fork("after-rhythm"), plan, resolved.from, resolved.end, resolved.afterDays);
  // What follows the period starts once it has ended in UTC and in the boundary zone, so that
  // every line before that is the same with or without `afterDays`.
  const afterStart = Math.max(resolved.end, boundaries?.end ?? resolved.end);
  const after =
    resolved.afterDays === 0
      ? undefined
      : planAfterPeriod(root.fork("after-period"), {
          start: afterStart,
          end: resolved.end + resolved.afterDays * DAY,
          credentials: lifecycle.credentials,
          policy: lifecycle.policy.final,
          roster,
        });
  const afterTimes = function* () {
    if (afterTraffic === undefined) return;
    for (const t of eventTimes(root.fork("after-times"), afterTraffic)) if (t >= afterStart) yield t;
  };
  let afterCount = 0;
  for (const _ of afterTimes()) afterCount++;
  const times = concat(eventTimes(root.fork("times"), plan), afterTimes());
  return {
    plan,
    boundaries,
    placed,
    lifecycle,
    after,
    scheduled: after === undefined ? lifecycle.scheduled : merge(lifecycle.scheduled, after.scheduled),
    ticks: timeline(root.fork("timeline"), times, {
      subsecond: resolved.subsecondTimestamps,
      bursts: resolved.sameSecondBursts,
      instants: placed?.instants ?? [],
      escalations: placed?.escalations ?? [],
    }),
    totalCommands: resolved.events + afterCount,
    traffic: new TrafficGenerator(
      root.fork("traffic"),
      after === undefined ? roster : { ...roster, agents: [...roster.agents, AFTER_PERIOD_AGENT] },
      {
        apiSessionRate: Math.min(1, (resolved.apiSessions * 1.6) / resolved.events),
        awkwardCommands: resolved.awkwardCommands,
      },
    ),
    recordingRandom: root.fork("recordings"),
    stamps: new TimestampWriter(root.fork("timestamps"), {
      offsetShare: resolved.timestampOffsets,
      varyFraction: resolved.subsecondTimestamps,
    }),
    approvals: new ApprovalPlanner(root.fork("approvals"), resolved.approvalRecords, resolved.approvalOrder),
  };
}

/** The items of `a`, then those of `b`. */
function* concat<T>(a: Iterable<T>, b: Iterable<T>): Generator<T> {
  yield* a;
  yield* b;
}

/** Two time-ordered schedules as one (on a tie, `a` first). */
function merge(a: readonly Scheduled[], b: readonly Scheduled[]): Scheduled[] {
  return [...a, ...b]
    .map((s, index) => ({ s, index }))
    .sort((x, y) => x.s.at - y.s.at || x.index - y.index)
    .map(({ s }) => s);
}
