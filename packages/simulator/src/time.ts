import { SimulatorError } from "./simulator-error.ts";
/** Milliseconds in one second, minute, hour and day. */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Parses a `YYYY-MM-DD` date (or a Date) to the UTC midnight that starts it, in epoch ms. */
export function parseDay(value: string | Date, option: string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms))
      throw new SimulatorError(
        "SIMULATOR_OPTION_INVALID",
        `simulator: Option "${option}" is an invalid Date`,
      );
    return Math.floor(ms / DAY) * DAY;
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new SimulatorError(
      "SIMULATOR_OPTION_INVALID",
      `simulator: Option "${option}" must be a date YYYY-MM-DD, got "${value}"`,
    );
  }
  return ms;
}

/** RFC 3339 in UTC with whole seconds (`2026-02-08T10:15:30Z`), as iddio's example shows. */
export function rfc3339(ms: number): string {
  return `${new Date(Math.floor(ms / SECOND) * SECOND).toISOString().slice(0, 19)}Z`;
}

/** A compact UTC timestamp for file names: `20260115T103000Z`. */
export function compactTimestamp(ms: number): string {
  return `${rfc3339(ms).replaceAll("-", "").replaceAll(":", "")}`;
}

/** iddio's CalVer release tag for an instant: `vYYYY.MMDD.HHMM`. */
export function calver(ms: number): string {
  const s = new Date(ms).toISOString();
  return `v${s.slice(0, 4)}.${s.slice(5, 7)}${s.slice(8, 10)}.${s.slice(11, 13)}${s.slice(14, 16)}`;
}
