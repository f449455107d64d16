/** A calendar date `YYYY-MM-DD` (no time, no zone). */
export type PlainDate = string;

function parts(date: PlainDate): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new TypeError(`not a date YYYY-MM-DD: "${date}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function format(utc: Date): PlainDate {
  return utc.toISOString().slice(0, 10);
}

/** The calendar date of `instant` in `timeZone`. */
export function dateInZone(instant: Date, timeZone: string): PlainDate {
  const fields = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => fields.find((f) => f.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: PlainDate, days: number): PlainDate {
  const [y, m, d] = parts(date);
  return format(new Date(Date.UTC(y, m - 1, d + days)));
}

/** The first day of the month `months` after the month of `date`. */
export function monthStart(date: PlainDate, months = 0): PlainDate {
  const [y, m] = parts(date);
  return format(new Date(Date.UTC(y, m - 1 + months, 1)));
}

/** The first day of the quarter `quarters` after the quarter of `date`. */
export function quarterStart(date: PlainDate, quarters = 0): PlainDate {
  const [y, m] = parts(date);
  return format(new Date(Date.UTC(y, Math.floor((m - 1) / 3) * 3 + quarters * 3, 1)));
}

/** `date` moved by `months`, clamped to the last day of the target month. */
export function addMonths(date: PlainDate, months: number): PlainDate {
  const [y, m, d] = parts(date);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return format(new Date(Date.UTC(y, m - 1 + months, Math.min(d, last))));
}
