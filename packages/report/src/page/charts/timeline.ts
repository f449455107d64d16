import { s } from "../dom.ts";
import { timeAxis } from "./axes.ts";
import { MARK } from "./palette.ts";
import { clippedText, svgRoot, WIDTH } from "./svg-chart.ts";
import { instant, timeScale } from "./time-scale.ts";

/** A point event on a lane. */
export interface TimelinePoint {
  at: string;
  shape: "issued" | "rotated" | "revoked" | "change";
  title: string;
  label?: string;
}

/** A span on a lane (a certificate's validity, a token's life). */
export interface TimelineSpan {
  from: string | null;
  to: string | null;
  /** `warn` spans (expiring, expired) are drawn hatched and darker. */
  tone: "normal" | "warn" | "muted";
  title: string;
}

/** One lane: its label (an agent name: untrusted, shown as text) and what happened on it. */
export interface Lane {
  label: string;
  spans: TimelineSpan[];
  points: TimelinePoint[];
}

const LANE = 22;
const LABEL = 190;
const TOP = 10;
const BOTTOM = 26;

function marker(shape: TimelinePoint["shape"], x: number, y: number): SVGElement {
  switch (shape) {
    case "issued":
      return s("circle", { cx: x, cy: y, r: 4, fill: "#ffffff", stroke: MARK.ink, "stroke-width": 1.5 });
    case "rotated":
      return s("path", {
        d: `M${x} ${y - 5}L${x + 5} ${y + 4}L${x - 5} ${y + 4}Z`,
        fill: MARK.credential,
        stroke: MARK.ink,
        "stroke-width": 1,
      });
    case "revoked":
      return s("path", {
        d: `M${x - 4} ${y - 4}L${x + 4} ${y + 4}M${x + 4} ${y - 4}L${x - 4} ${y + 4}`,
        stroke: MARK.warn,
        "stroke-width": 2.5,
      });
    default:
      return s("path", {
        d: `M${x} ${y - 6}L${x + 6} ${y}L${x} ${y + 6}L${x - 6} ${y}Z`,
        fill: MARK.policy,
        stroke: MARK.ink,
        "stroke-width": 1,
      });
  }
}

/** Lanes over the period, with spans clipped to it and point events marked by shape. */
export function timeline(args: {
  from: string;
  to: string;
  lanes: readonly Lane[];
  title: string;
  description: string;
}): SVGSVGElement | null {
  const scale = timeScale(args.from, args.to, LABEL, WIDTH - 16);
  if (!scale) return null;
  const height = TOP + args.lanes.length * LANE + BOTTOM;
  const svg = svgRoot(height, args.title, args.description);
  const y0 = height - BOTTOM;
  svg.append(timeAxis(scale, y0, TOP));
  const hatchId = `${svg.getAttribute("aria-labelledby")?.split(" ")[0] ?? "t"}-warn`;
  svg.prepend(
    s(
      "defs",
      null,
      s(
        "pattern",
        { id: hatchId, width: 5, height: 5, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        s("rect", { width: 5, height: 5, fill: MARK.warn }),
        s("line", { x1: 0, y1: 0, x2: 0, y2: 5, stroke: "#ffffff", "stroke-width": 1.5 }),
      ),
    ),
  );
  args.lanes.forEach((lane, i) => {
    const y = TOP + i * LANE + LANE / 2;
    const g = s("g", { class: "lane" });
    g.append(clippedText(lane.label, 28, { x: LABEL - 8, y: y + 4, "text-anchor": "end", class: "label" }));
    g.append(s("line", { x1: LABEL, x2: WIDTH - 16, y1: y, y2: y, stroke: MARK.grid, "stroke-width": 1 }));
    for (const span of lane.spans) {
      const a = instant(span.from) ?? scale.start;
      const b = instant(span.to) ?? scale.end;
      if (b < scale.start || a > scale.end) continue;
      const x = scale.x(a);
      const w = Math.max(scale.x(b) - x, 1);
      const fill =
        span.tone === "warn" ? `url(#${hatchId})` : span.tone === "muted" ? "#c9c9c9" : MARK.credential;
      g.append(
        s(
          "rect",
          {
            x,
            y: y - 4,
            width: w,
            height: 8,
            fill,
            "fill-opacity": span.tone === "normal" ? 0.45 : 1,
            rx: 2,
          },
          s("title", null, span.title),
        ),
      );
    }
    for (const point of lane.points) {
      const t = instant(point.at);
      if (t === null || t < scale.start || t > scale.end) continue;
      const x = scale.x(t);
      const m = marker(point.shape, x, y);
      m.append(s("title", null, point.title));
      g.append(m);
      if (point.label) g.append(s("text", { x: x + 7, y: y - 6, class: "annotation" }, point.label));
    }
    svg.append(g);
  });
  return svg;
}
