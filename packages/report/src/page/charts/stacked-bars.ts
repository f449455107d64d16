import { s } from "../dom.ts";
import { formatNumber } from "../format.ts";
import type { Series } from "./palette.ts";
import { clippedText, niceTicks, seriesFill, svgRoot, WIDTH } from "./svg-chart.ts";

/** One bar: a label (an agent name: untrusted, shown as text) and a value per series. */
export interface BarRow {
  label: string;
  values: number[];
}

const ROW = 20;
const LABEL = 190;
const TOP = 24;

/** Horizontal stacked bars, one row per label, with a value axis. */
export function stackedBars(
  rows: readonly BarRow[],
  series: readonly Series[],
  title: string,
  description: string,
) {
  const height = TOP + rows.length * ROW + 12;
  const svg = svgRoot(height, title, description);
  const fills = series.map((item) => seriesFill(svg, item));
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const ticks = niceTicks(max, 6);
  const top = ticks[ticks.length - 1] ?? max;
  const x0 = LABEL;
  const x1 = WIDTH - 36;
  const scale = (v: number) => (v / top) * (x1 - x0);
  // Value ticks along the top, grid lines down through the rows.
  const axis = s("g", { class: "axis", "aria-hidden": "true" });
  for (const tick of ticks) {
    const x = x0 + scale(tick);
    axis.append(s("line", { x1: x, x2: x, y1: TOP - 4, y2: height - 8, stroke: "#d9d9d9" }));
    axis.append(s("text", { x, y: TOP - 8, "text-anchor": "middle", class: "tick" }, formatNumber(tick)));
  }
  svg.append(axis);
  rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    const g = s("g", { class: "bar" });
    g.append(
      clippedText(row.label, 28, { x: LABEL - 8, y: y + ROW / 2 + 4, "text-anchor": "end", class: "label" }),
    );
    let x = x0;
    row.values.forEach((value, k) => {
      if (value <= 0) return;
      const w = scale(value);
      g.append(
        s(
          "rect",
          {
            x,
            y: y + 3,
            width: Math.max(w, 0.5),
            height: ROW - 6,
            fill: fills[k] ?? "#999",
            stroke: "#ffffff",
            "stroke-width": 0.5,
          },
          s("title", null, `${row.label}: ${series[k]?.name ?? k} ${formatNumber(value)}`),
        ),
      );
      x += w;
    });
    svg.append(g);
  });
  return svg;
}
