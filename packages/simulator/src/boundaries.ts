import type { Random } from "./random.ts";
import type { SilentGap } from "./rhythm.ts";
import { DAY, SECOND } from "./time.ts";
import { daylightSavingDays, startOfLocalDay } from "./time-zone.ts";
import type { Outcome } from "./traffic.ts";

/** An escalation requested just before a period boundary and resolved after it (or never). */
export interface BoundaryEscalation {
  /** When it is requested (epoch ms). */
  readonly at: number;
  readonly outcome: Outcome;
  /** Wait from request to outcome, more than the time left to the boundary; absent when unresolved. */
  readonly waitMs: number | undefined;
  /** Its place among the boundary escalations: they take the approval modes in turn. */
  readonly index: number;
}

/** Where the period's boundaries fall in a zone and what the log places on them. */
export interface BoundaryPlan {
  readonly zone: string;
  /** First instant of `from` in the zone. */
  readonly start: number;
  /** First instant after `to` in the zone (exclusive end). */
  readonly end: number;
  /** Instants of command events, ascending: the last and first millisecond around each boundary. */
  readonly instants: readonly number[];
  /** Escalations across the start and the end, ascending by request time. */
  readonly escalations: readonly BoundaryEscalation[];
}

/** Inputs of {@link planBoundaries}. */
export interface BoundaryInput {
  readonly zone: string;
  /** UTC midnight of `from`. */
  readonly from: number;
  /** UTC midnight after `to`. */
  readonly end: number;
  readonly gap: SilentGap | undefined;
  /** Nothing is placed at or before this instant (agents and policy must exist). */
  readonly earliest: number;
}

/**
 * Plans the boundary events of a period read in `zone`: command events at 23:59:59.999 and
 * 00:00:00.000 local around the period's start and end and around each day whose length is not
 * 24 hours (daylight saving changes); a granted and a denied escalation requested before the
 * start and resolved after it; a granted, an expired and a never-resolved escalation requested
 * before the end, the first two resolved after it. Nothing falls in the silent gap.
 */
export function planBoundaries(random: Random, input: BoundaryInput): BoundaryPlan {
  const start = startOfLocalDay(input.from, input.zone);
  const end = startOfLocalDay(input.end, input.zone);
  const edges = [start, end];
  for (const day of daylightSavingDays(input.from, input.end, input.zone)) {
    edges.push(startOfLocalDay(day, input.zone), startOfLocalDay(day + DAY, input.zone));
  }
  const usable = (at: number) =>
    at > input.earliest && (input.gap === undefined || at < input.gap.start || at >= input.gap.end);
  const instants = [...new Set(edges.flatMap((edge) => [edge - 1, edge]))]
    .filter(usable)
    .sort((a, b) => a - b);

  const escalations: BoundaryEscalation[] = [];
  const across = (boundary: number, outcome: Outcome) => {
    const lead = random.int(3, 20) * SECOND;
    const waitMs =
      outcome === "unresolved"
        ? undefined
        : outcome === "expired"
          ? 60 * SECOND + random.int(0, 45)
          : lead + random.int(1, 30) * SECOND + random.int(0, 999);
    escalations.push({ at: boundary - lead, outcome, waitMs, index: escalations.length });
  };
  across(start, "granted");
  across(start, "denied");
  across(end, "granted");
  across(end, "expired");
  across(end, "unresolved");
  return {
    zone: input.zone,
    start,
    end,
    instants,
    escalations: escalations.filter((e) => usable(e.at)).sort((a, b) => a.at - b.at || a.index - b.index),
  };
}
