import { s } from "../dom.ts";
import { timeAxis, valueAxis } from "./axes.ts";
import { DECISION_SERIES, MARK } from "./palette.ts";
import { niceTicks, seriesFill, svgRoot, WIDTH } from "./svg-chart.ts";
import { instant, timeScale } from "./time-scale.ts";

/** One day of activity as CC7.2 lists it. */
export interface Day {
  date: string;
  allow: number;
  escalate: number;
  deny: number;
}

/** A marker on the time axis (a policy change). */
export interface TimeMark {
  at: string;
  label: string;
}

const DAY = 86_400_000;
const TOP = 28;
const BOTTOM = 26;
const LEFT = 56;
const HEIGHT = 260;

/**
 * Daily activity as stacked columns (allow, escalate, deny), silent periods shaded over the
 * columns and policy changes as labelled vertical rules.
 */
export function dailyActivity(args: {
  from: string;
  to: string;
  days: readonly Day[];
  silent: readonly { from: string; to: string; hours: number | null }[];
  marks: readonly TimeMark[];
  title: string;
  description: string;
}): SVGSVGElement | null {
  const scale = timeScale(args.from, args.to, LEFT, WIDTH - 12);
  if (!scale) return null;
  const svg = svgRoot(HEIGHT, args.title, args.description);
  const fills = DECISION_SERIES.map((item) => seriesFill(svg, item));
  const y0 = HEIGHT - BOTTOM;
  const max = Math.max(1, ...args.days.map((d) => d.allow + d.escalate + d.deny));
  const ticks = niceTicks(max, 5);
  const top = ticks[ticks.length - 1] ?? max;
  svg.append(valueAxis(ticks, top, LEFT, WIDTH - 12, y0, TOP));
  svg.append(timeAxis(scale, y0, TOP));
  const silent = s("g", { class: "silent" });
  for (const period of args.silent) {
    const a = instant(period.from);
    const b = instant(period.to);
    if (a === null || b === null) continue;
    const x = scale.x(a);
    const w = Math.max(scale.x(b) - x, 2);
    silent.append(
      s(
        "rect",
        {
          x,
          y: TOP,
          width: w,
          height: y0 - TOP,
          fill: MARK.silent,
          "fill-opacity": 0.55,
          stroke: MARK.muted,
          "stroke-dasharray": "3 2",
        },
        s("title", null, `silent ${period.from} – ${period.to}`),
      ),
      s("text", { x: x + w / 2, y: TOP + 12, "text-anchor": "middle", class: "annotation" }, "silent"),
    );
  }
  const columns = s("g", { class: "columns" });
  for (const day of args.days) {
    const t = instant(day.date);
    if (t === null) continue;
    const x = scale.x(t);
    const w = Math.max(scale.x(t + DAY) - x - 0.6, 0.4);
    let y = y0;
    [day.allow, day.escalate, day.deny].forEach((value, k) => {
      if (!(value > 0)) return;
      const hgt = (value / top) * (y0 - TOP);
      y -= hgt;
      columns.append(
        s(
          "rect",
          { x, y, width: w, height: hgt, fill: fills[k] ?? "#999" },
          s("title", null, `${day.date} ${DECISION_SERIES[k]?.name}: ${value}`),
        ),
      );
    });
  }
  svg.append(silent, columns);
  const marks = s("g", { class: "marks" });
  for (const mark of args.marks) {
    const t = instant(mark.at);
    if (t === null) continue;
    const x = scale.x(t);
    marks.append(
      s("line", {
        x1: x,
        x2: x,
        y1: TOP - 14,
        y2: y0,
        stroke: MARK.policy,
        "stroke-width": 1.5,
        "stroke-dasharray": "5 3",
      }),
      s("text", { x: x + 2, y: TOP - 16, class: "annotation policy" }, mark.label),
    );
  }
  svg.append(marks);
  return svg;
}
