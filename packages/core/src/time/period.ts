import { ComplianceError } from "../errors/compliance-error.ts";

/** An export period: inclusive calendar dates read in a time zone, and the instants they span. */
export interface Period {
  from: string;
  to: string;
  timeZone: string;
  /** First instant of `from` (ms since epoch). */
  startMs: number;
  /** First instant after the whole day `to` (ms since epoch), exclusive. */
  endMs: number;
}

/** A period's dates alone (`YYYY-MM-DD`, both inclusive), before a time zone gives them instants: what a schedule plans and a storage key names. */
export type PeriodDates = Pick<Period, "from" | "to">;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validates `YYYY-MM-DD` (a real calendar day); `subject` names the flag or option in the error. */
export function parseDate(value: string, subject: string): { y: number; m: number; d: number } {
  const match = DATE.exec(value);
  const y = Number(match?.[1]);
  const m = Number(match?.[2]);
  const d = Number(match?.[3]);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (!match || probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    throw new ComplianceError(
      "INVALID_OPTION",
      `${subject}: "${value}" is not a valid date (expected YYYY-MM-DD)`,
      { subject },
    );
  }
  return { y, m, d };
}

/** Checks that `zone` is an IANA time zone this runtime knows. */
function assertTimeZone(zone: string, subject: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw new ComplianceError("INVALID_OPTION", `${subject}: unknown time zone "${zone}"`, { subject });
  }
}

/** Offset of `zone` from UTC at instant `ms`, in ms (positive east of Greenwich). */
function zoneOffsetMs(ms: number, zone: string): number {
  if (zone === "UTC") return 0;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of local midnight starting `y-m-d` in `zone`. */
function zonedMidnight(y: number, m: number, d: number, zone: string): number {
  const guess = Date.UTC(y, m - 1, d);
  let ms = guess - zoneOffsetMs(guess, zone);
  ms = guess - zoneOffsetMs(ms, zone);
  return ms;
}

/** Builds a {@link Period}; errors name `--from`/`--to`/`--tz` (or the given subjects). */
export function makePeriod(
  from: string,
  to: string,
  timeZone = "UTC",
  subjects = { from: "--from", to: "--to", tz: "--tz" },
): Period {
  const a = parseDate(from, subjects.from);
  const b = parseDate(to, subjects.to);
  assertTimeZone(timeZone, subjects.tz);
  if (to < from) {
    throw new ComplianceError("INVALID_OPTION", `${subjects.from} ${from} is after ${subjects.to} ${to}`, {
      subject: subjects.from,
    });
  }
  const startMs = zonedMidnight(a.y, a.m, a.d, timeZone);
  const next = new Date(Date.UTC(b.y, b.m - 1, b.d + 1));
  const endMs = zonedMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
  return { from, to, timeZone, startMs, endMs };
}

/** Every date of the period, in order. */
export function periodDates(period: Period): string[] {
  const { y, m, d } = parseDate(period.from, "from");
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const date = new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10);
    if (date > period.to) return out;
    out.push(date);
  }
}

/**
 * Maps instants to local dates in one zone, caching per UTC hour so a million events cost a
 * few thousand `Intl` calls.
 */
export class LocalDates {
  readonly #zone: string;
  readonly #cache = new Map<number, number>();

  constructor(zone: string) {
    this.#zone = zone;
  }

  #lastDay = Number.NaN;
  #lastDate = "";

  /** The local `YYYY-MM-DD` of instant `ms` (consecutive events mostly share a day: it is cached). */
  dateOf(ms: number): string {
    let offset = 0;
    if (this.#zone !== "UTC") {
      const hour = Math.floor(ms / 3_600_000);
      let cached = this.#cache.get(hour);
      if (cached === undefined) {
        cached = zoneOffsetMs(hour * 3_600_000, this.#zone);
        if (this.#cache.size > 100_000) this.#cache.clear();
        this.#cache.set(hour, cached);
      }
      offset = cached;
    }
    const day = Math.floor((ms + offset) / 86_400_000);
    if (day !== this.#lastDay) {
      this.#lastDay = day;
      this.#lastDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
    }
    return this.#lastDate;
  }
}
