import { s } from "../dom.ts";
import { formatMs } from "../format.ts";
import { valueAxis } from "./axes.ts";
import { MARK } from "./palette.ts";
import { niceTicks, svgRoot, WIDTH } from "./svg-chart.ts";

const TOP = 44;
const BOTTOM = 30;
const LEFT = 56;
const HEIGHT = 240;
const BINS = 30;

/** Bins of a distribution: presentation only (counts of listed values per interval). */
export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** Groups values into equal bins from 0 to the largest. */
export function binValues(values: readonly number[]): Bin[] {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const width = Math.max(1, Math.ceil((max + 1) / BINS));
  const bins: Bin[] = Array.from({ length: BINS }, (_, i) => ({
    from: i * width,
    to: (i + 1) * width,
    count: 0,
  }));
  for (const v of values) {
    const bin = bins[Math.min(BINS - 1, Math.floor(v / width))];
    if (bin) bin.count++;
  }
  return bins;
}

/** A histogram of durations with labelled reference lines (median, p95) taken from the document. */
export function histogram(args: {
  bins: readonly Bin[];
  lines: readonly { label: string; value: number }[];
  title: string;
  description: string;
}): SVGSVGElement {
  const svg = svgRoot(HEIGHT, args.title, args.description);
  const y0 = HEIGHT - BOTTOM;
  const maxCount = Math.max(1, ...args.bins.map((b) => b.count));
  const ticks = niceTicks(maxCount, 4);
  const top = ticks[ticks.length - 1] ?? maxCount;
  const end = args.bins[args.bins.length - 1]?.to ?? 1;
  const x = (v: number) => LEFT + (Math.min(v, end) / end) * (WIDTH - 12 - LEFT);
  svg.append(valueAxis(ticks, top, LEFT, WIDTH - 12, y0, TOP));
  const bars = s("g", { class: "bars" });
  for (const bin of args.bins) {
    if (bin.count === 0) continue;
    const h = (bin.count / top) * (y0 - TOP);
    bars.append(
      s(
        "rect",
        {
          x: x(bin.from) + 0.5,
          y: y0 - h,
          width: Math.max(x(bin.to) - x(bin.from) - 1, 0.5),
          height: h,
          fill: "#56b4e9",
          stroke: "#1f5f8b",
          "stroke-width": 0.5,
        },
        s("title", null, `${formatMs(bin.from)} – ${formatMs(bin.to)}: ${bin.count}`),
      ),
    );
  }
  svg.append(bars);
  const axis = s("g", { class: "axis", "aria-hidden": "true" });
  for (let i = 0; i <= 5; i++) {
    const v = (end * i) / 5;
    axis.append(
      s("text", { x: x(v), y: y0 + 16, "text-anchor": "middle", class: "tick" }, formatMs(Math.round(v))),
    );
  }
  svg.append(axis);
  args.lines.forEach((line, i) => {
    const lx = x(line.value);
    svg.append(
      s("line", {
        x1: lx,
        x2: lx,
        y1: TOP - 36 + i * 14,
        y2: y0,
        stroke: i === 0 ? MARK.ink : MARK.warn,
        "stroke-width": 2,
        "stroke-dasharray": i === 0 ? "" : "6 3",
      }),
      // Labels on separate rows, turned inwards near the right edge so they stay on the drawing.
      s(
        "text",
        {
          x: lx > WIDTH * 0.7 ? lx - 4 : lx + 4,
          y: TOP - 26 + i * 14,
          "text-anchor": lx > WIDTH * 0.7 ? "end" : "start",
          class: "annotation",
        },
        `${line.label} ${formatMs(line.value)}`,
      ),
    );
  });
  return svg;
}
