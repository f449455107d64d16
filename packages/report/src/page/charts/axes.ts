import { s } from "../dom.ts";
import { formatNumber } from "../format.ts";
import { MARK } from "./palette.ts";
import type { TimeScale } from "./time-scale.ts";

/** Horizontal grid lines and labels for a value axis from `y0` (value 0) up to `y1` (value `max`). */
export function valueAxis(
  ticks: number[],
  max: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
): SVGGElement {
  const g = s("g", { class: "axis", "aria-hidden": "true" });
  for (const tick of ticks) {
    const y = y0 - (tick / max) * (y0 - y1);
    g.append(s("line", { x1: x0, x2: x1, y1: y, y2: y, stroke: MARK.grid, "stroke-width": 1 }));
    g.append(s("text", { x: x0 - 6, y: y + 4, "text-anchor": "end", class: "tick" }, formatNumber(tick)));
  }
  return g;
}

/** Time ticks along the bottom at `y`. */
export function timeAxis(scale: TimeScale, y: number, top: number): SVGGElement {
  const g = s("g", { class: "axis", "aria-hidden": "true" });
  for (const tick of scale.ticks()) {
    g.append(s("line", { x1: tick.x, x2: tick.x, y1: top, y2: y, stroke: MARK.grid, "stroke-width": 1 }));
    g.append(s("text", { x: tick.x + 3, y: y + 14, class: "tick" }, tick.label));
  }
  return g;
}
