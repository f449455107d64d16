const BRAND = Symbol.for("iddio-compliance.error");

/** Stable codes of the errors `@iddio-compliance/core` throws for misuse and bad input. */
export type ComplianceErrorCode =
  | "SOURCE_NOT_FOUND"
  | "SOURCE_EMPTY"
  | "INVALID_OPTION"
  | "OUTPUT_EXISTS"
  | "INPUT_UNREADABLE"
  | "PACKAGE_INVALID"
  | "KEY_INVALID"
  | "INVARIANT_VIOLATED"
  | "ABORTED";

/**
 * An error the caller can act on: a stable `code`, a message that names the file, option or key,
 * and the `cause` when another error led to it.
 */
export class ComplianceError extends Error {
  override readonly name = "ComplianceError";
  readonly code: ComplianceErrorCode;
  /** The file, flag or option the error is about, when there is one. */
  readonly subject: string | undefined;

  constructor(
    code: ComplianceErrorCode,
    message: string,
    options: { subject?: string; cause?: unknown } = {},
  ) {
    super(
      `[iddio-compliance] ${message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.subject = options.subject;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Recognises a {@link ComplianceError}, also one thrown by another copy of this package. */
export function isComplianceError(value: unknown): value is ComplianceError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
