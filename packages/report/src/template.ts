import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ReportError } from "./report-error.ts";

/** Where the built page is: `dist/` beside both `src/` (development) and `dist/*.js` (published). */
export const TEMPLATE_URL = new URL("../dist/report-template.html", import.meta.url);

/** Stands where the data goes, inside `<script type="application/json" id="report-data">`. */
export const DATA_MARKER = "@@IDDIO_REPORT_DATA@@";

/** The built page around its data: what comes before the embedded JSON, and what comes after. */
export interface ReportTemplate {
  before: string;
  after: string;
}

let cached: ReportTemplate | null = null;

/** Reads the page built by `pnpm build` (script and styles inlined, CSP hashes computed). */
export function loadReportTemplate(): ReportTemplate {
  if (cached) return cached;
  const path = fileURLToPath(TEMPLATE_URL);
  let html: string;
  try {
    html = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ReportError("TEMPLATE_MISSING", `the report page is not built (${path}): run "pnpm build"`, {
      subject: path,
      cause,
    });
  }
  const at = html.indexOf(DATA_MARKER);
  if (at < 0 || html.indexOf(DATA_MARKER, at + 1) >= 0)
    throw new ReportError(
      "TEMPLATE_INVALID",
      `${path} must hold the data marker exactly once: rebuild it with "pnpm build"`,
      { subject: path },
    );
  cached = { before: html.slice(0, at), after: html.slice(at + DATA_MARKER.length) };
  return cached;
}
