import type { Random } from "./random.ts";
import { rfc3339, SECOND } from "./time.ts";

/**
 * Offsets a writer running outside UTC may put on its timestamps: whole and half hours, the
 * Nepal quarter hour, both ends of the range, and `+00:00` (UTC written without `Z`).
 */
const OFFSETS: readonly string[] = [
  "+02:00",
  "-05:00",
  "+01:00",
  "+05:30",
  "-03:30",
  "+05:45",
  "+09:00",
  "+14:00",
  "-12:00",
  "+00:00",
];

/** How a sub-second part is written: Go's RFC3339Nano (trailing zeros trimmed), or a fixed width. */
type FractionStyle = "trimmed" | 3 | 6 | 9;
const FRACTION_STYLES: readonly FractionStyle[] = ["trimmed", 3, 6, 9];

/** Options of {@link TimestampWriter}. */
export interface TimestampStyle {
  /** Share of timestamps written with a non-UTC offset. */
  readonly offsetShare: number;
  /** Whether sub-second parts vary in width (`.1`, `.123`, `.123000`, `.123000000`). */
  readonly varyFraction: boolean;
}

/** The sub-second part of `ms`; `trimmed` writes none for a whole second, the fixed widths `.000…`. */
function fraction(ms: number, style: FractionStyle): string {
  const digits = String(ms % SECOND).padStart(3, "0");
  if (style === "trimmed") return digits === "000" ? "" : `.${digits.replace(/0+$/, "")}`;
  return `.${digits}${"0".repeat(style - 3)}`;
}

function offsetMs(offset: string): number {
  const sign = offset.startsWith("-") ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
}

/**
 * Writes RFC 3339 timestamps for instants in epoch ms. By default exactly as iddio's example
 * (`2026-02-08T10:15:30Z`, whole seconds), a sub-second instant with its milliseconds
 * (`2026-02-28T23:59:59.999Z`). With a style, each timestamp is drawn: some carry a non-UTC offset
 * (`2026-02-08T12:15:30+02:00`), and fractions vary in width; the instant never changes.
 */
export class TimestampWriter {
  readonly #random: Random;
  readonly #style: TimestampStyle;

  constructor(random: Random, style: TimestampStyle) {
    this.#random = random;
    this.#style = style;
  }

  /** The timestamp of instant `ms`. */
  format(ms: number): string {
    const { offsetShare, varyFraction } = this.#style;
    if (offsetShare === 0 && !varyFraction && ms % SECOND === 0) return rfc3339(ms);
    const random = this.#random;
    let part = ms % SECOND === 0 ? "" : fraction(ms, 3);
    if (varyFraction) part = fraction(ms, random.pick(FRACTION_STYLES));
    const offset = offsetShare > 0 && random.chance(offsetShare) ? random.pick(OFFSETS) : "Z";
    const local = offset === "Z" ? ms : ms + offsetMs(offset);
    return `${new Date(local - (local % SECOND)).toISOString().slice(0, 19)}${part}${offset}`;
  }
}
