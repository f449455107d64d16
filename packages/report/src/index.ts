export { REPORT_FILE } from "./render-report.ts";
export type { ReportErrorCode } from "./report-error.ts";
/** @public Errors with stable codes, recognised across copies of the package. */
export { isReportError, ReportError } from "./report-error.ts";
export { scriptSafeJson } from "./script-safe-json.ts";
export type { ReportTemplate } from "./template.ts";
export { loadReportTemplate } from "./template.ts";
