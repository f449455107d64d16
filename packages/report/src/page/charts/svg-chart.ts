import { type Child, h, s, uid } from "../dom.ts";
import { formatNumber } from "../format.ts";
import type { Series } from "./palette.ts";

/** Chart width in SVG units; the drawing scales to the page (and to paper) from its viewBox. */
export const WIDTH = 960;

/** An SVG root with an accessible name and description (`role="img"`). */
export function svgRoot(height: number, title: string, description: string): SVGSVGElement {
  const titleId = uid("chart-title");
  const descId = uid("chart-desc");
  return s(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${height}`,
      width: "100%",
      role: "img",
      "aria-labelledby": `${titleId} ${descId}`,
      class: "chart",
      preserveAspectRatio: "xMinYMin meet",
    },
    s("title", { id: titleId }, title),
    s("desc", { id: descId }, description),
  );
}

/** The fill of a series: its colour, or a hatch pattern defined in `svg` when it is hatched. */
export function seriesFill(svg: SVGSVGElement, series: Series): string {
  if (!series.hatch) return series.colour;
  const id = uid("hatch");
  let defs = svg.querySelector("defs");
  if (!defs) {
    defs = s("defs");
    svg.prepend(defs);
  }
  defs.append(
    s(
      "pattern",
      { id, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      s("rect", { width: 6, height: 6, fill: series.colour }),
      s("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#ffffff", "stroke-width": 2 }),
    ),
  );
  return `url(#${id})`;
}

/** A value axis step of 1, 2 or 5 × 10^n giving about `count` ticks up to `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((v) => v >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step / 2 && ticks.length < 50; v += step) ticks.push(v);
  if ((ticks[ticks.length - 1] ?? 0) < max) ticks.push(ticks.length * step);
  return ticks;
}

/** A legend in HTML beside the chart, each entry with a swatch drawn like the series. */
export function legend(series: readonly Series[]): HTMLElement {
  return h(
    "ul",
    { class: "legend", "aria-label": "Legend" },
    ...series.map((item) => {
      const swatch = svgSwatch(item);
      return h("li", null, swatch, item.name);
    }),
  );
}

function svgSwatch(item: Series): SVGSVGElement {
  const svg = s("svg", { viewBox: "0 0 12 12", width: 12, height: 12, "aria-hidden": "true" });
  svg.append(
    s("rect", { width: 12, height: 12, fill: seriesFill(svg, item), stroke: "#555", "stroke-width": 0.5 }),
  );
  return svg;
}

/** A chart in a figure: caption, drawing, legend, and its data as a table for screen readers and print. */
export function chartFigure(args: {
  caption: string;
  svg: SVGSVGElement;
  legend?: HTMLElement | null;
  table: { headers: string[]; rows: Child[][] };
  id?: string;
  kind: string;
}): HTMLElement {
  const { caption, svg, table } = args;
  return h(
    "figure",
    { class: "chart-figure", id: args.id ?? null, "data-chart": args.kind },
    h("figcaption", null, caption),
    svg,
    args.legend ?? null,
    h(
      "details",
      { class: "chart-data" },
      h("summary", null, "Data of this chart"),
      h(
        "table",
        null,
        h("thead", null, h("tr", null, ...table.headers.map((x) => h("th", { scope: "col" }, x)))),
        h(
          "tbody",
          null,
          ...table.rows.map((row) =>
            h(
              "tr",
              null,
              ...row.map((cell, i) =>
                i === 0
                  ? h("th", { scope: "row" }, cell)
                  : h(
                      "td",
                      { class: typeof cell === "number" ? "num" : null },
                      typeof cell === "number" ? formatNumber(cell) : cell,
                    ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Text that does not overflow its space: shortened, with the whole text in a tooltip. */
export function clippedText(
  text: string,
  max: number,
  attrs: Record<string, string | number>,
): SVGTextElement {
  const shown = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  const el = s("text", attrs, shown);
  if (shown !== text) el.append(s("title", null, text));
  return el;
}
