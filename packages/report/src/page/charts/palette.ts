/**
 * Colours that survive colour-blindness and greyscale print: tiers follow cividis (a ramp of
 * steadily falling lightness, designed for colour-vision deficiency), decisions step light → mid
 * → dark and escalations are also hatched, so every series differs in lightness or texture, not in
 * hue alone.
 */

/** Tier 0 (OBSERVE, lightest) to tier 4 (BREAK-GLASS, darkest). */
const TIER_COLOURS = ["#fde838", "#bcaf6f", "#7c7b78", "#414d6b", "#00224e"] as const;

/** One series of a chart. */
export interface Series {
  /** Name shown in the legend and the data table. */
  name: string;
  colour: string;
  /** Diagonal hatching over the colour. */
  hatch?: boolean;
}

/** allow / escalate / deny. */
export const DECISION_SERIES: readonly Series[] = [
  { name: "allow", colour: "#9fd0f0" },
  { name: "escalate", colour: "#e69f00", hatch: true },
  { name: "deny", colour: "#7a2e00" },
];

/** Tier series `0`–`4` with their names. */
export function tierSeries(names: readonly string[]): Series[] {
  return TIER_COLOURS.map((colour, tier) => ({ name: `tier ${tier} ${names[tier] ?? ""}`.trim(), colour }));
}

/** Marks on timelines. */
export const MARK = {
  ink: "#1b1b1b",
  muted: "#6b6b6b",
  grid: "#d9d9d9",
  silent: "#bdbdbd",
  policy: "#0072b2",
  credential: "#3b6ea5",
  warn: "#d55e00",
} as const;
