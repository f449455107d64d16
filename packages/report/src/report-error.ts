import { IddioComplianceError, isIddioComplianceError } from "@iddio-compliance/schema/wire";

/** Stable codes of the errors `@iddio-compliance/report` throws. */
export type ReportErrorCode = "TEMPLATE_MISSING" | "TEMPLATE_INVALID" | "CHROMIUM_NOT_FOUND" | "PDF_FAILED";

/** An error with a stable `code` and a message that says what to do. */
export class ReportError extends IddioComplianceError {
  override readonly name = "ReportError";
  declare readonly code: ReportErrorCode;

  constructor(code: ReportErrorCode, message: string, options: { subject?: string; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** Recognises a {@link ReportError}, also one thrown by another copy of this package. */
export function isReportError(value: unknown): value is ReportError {
  return isIddioComplianceError(value) && value.name === "ReportError";
}
