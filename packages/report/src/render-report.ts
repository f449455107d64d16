import type { EvidenceSummary } from "@iddio-compliance/schema";
import { scriptSafeJson } from "./script-safe-json.ts";
import { loadReportTemplate } from "./template.ts";

/** What a report shows: the package's summary and its documents, keyed by file stem. */
export interface ReportData {
  /** `summary.json` as the package holds it (its manifest may lack `report.html` itself). */
  summary: EvidenceSummary | Record<string, unknown>;
  /** Each document by file stem (`cc6.1-access-controls`, …, `audit-log-integrity`). */
  documents: Record<string, unknown>;
}

/** The report's file name in a package. */
export const REPORT_FILE = "report.html";

/**
 * Renders `report.html`: the built page with `data` embedded as script-safe JSON. The page draws
 * everything from that data and computes no figure of its own.
 */
export function renderReport(data: ReportData): string {
  const { before, after } = loadReportTemplate();
  return `${before}${scriptSafeJson(JSON.stringify({ summary: data.summary, documents: data.documents }))}${after}`;
}
