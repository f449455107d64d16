const BRAND = Symbol.for("iddio-compliance.report-error");

/** Stable codes of the errors `@iddio-compliance/report` throws. */
export type ReportErrorCode = "TEMPLATE_MISSING" | "TEMPLATE_INVALID" | "CHROMIUM_NOT_FOUND" | "PDF_FAILED";

/** An error with a stable `code` and a message that says what to do. */
export class ReportError extends Error {
  override readonly name = "ReportError";
  readonly code: ReportErrorCode;

  constructor(code: ReportErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(
      `[iddio-compliance] [report] ${message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Recognises a {@link ReportError}, also one thrown by another copy of this package. */
export function isReportError(value: unknown): value is ReportError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
