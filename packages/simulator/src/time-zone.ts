import { DAY, HOUR } from "./time.ts";

// The simulator states where the period's boundaries are so that tests can check an exporter
// against it; it reads offsets through Intl's `longOffset` names, not through the exporter's code,
// so the two cannot share a mistake.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** Offset of `zone` from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function offsetAt(ms: number, zone: string): number {
  const name = formatter(zone)
    .formatToParts(new Date(ms))
    .find((p) => p.type === "timeZoneName")?.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name ?? "");
  if (match === null) throw new Error(`simulator: internal: offset name "${name}"`);
  if (match[1] === undefined) return 0;
  const sign = match[1] === "-" ? -1 : 1;
  return sign * ((Number(match[2]) * 60 + Number(match[3])) * 60 + Number(match[4] ?? 0)) * 1000;
}

/** The local calendar day (days since 1970-01-01) of instant `ms` in `zone`. */
function localDay(ms: number, zone: string): number {
  return Math.floor((ms + offsetAt(ms, zone)) / DAY);
}

/**
 * The first instant of the local day that starts `utcMidnight`'s date in `zone` (local midnight,
 * or the first instant after a transition that skips midnight): a binary search over instants.
 */
export function startOfLocalDay(utcMidnight: number, zone: string): number {
  const day = Math.floor(utcMidnight / DAY);
  let low = utcMidnight - 16 * HOUR; // before the day starts in every zone
  let high = utcMidnight + 16 * HOUR; // after it starts in every zone
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (localDay(mid, zone) >= day) high = mid;
    else low = mid;
  }
  return high;
}

/** UTC midnights of the days in `[from, to)` whose local length in `zone` is not 24 hours. */
export function daylightSavingDays(from: number, to: number, zone: string): number[] {
  const out: number[] = [];
  for (let day = from; day < to; day += DAY) {
    // Cheap test first: the offset changes somewhere around this day.
    if (offsetAt(day - 16 * HOUR, zone) === offsetAt(day + DAY + 16 * HOUR, zone)) continue;
    if (startOfLocalDay(day + DAY, zone) - startOfLocalDay(day, zone) !== DAY) out.push(day);
  }
  return out;
}
