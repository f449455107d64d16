export type { ReportData } from "./render-report.ts";
export { REPORT_FILE, renderReport } from "./render-report.ts";
export type { ReportErrorCode } from "./report-error.ts";
export { isReportError, ReportError } from "./report-error.ts";
export { scriptSafeJson } from "./script-safe-json.ts";
export type { ReportTemplate } from "./template.ts";
export { loadReportTemplate } from "./template.ts";
