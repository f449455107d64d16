import { IddioComplianceError, isIddioComplianceError } from "@iddio-compliance/schema/wire";

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
export class ComplianceError extends IddioComplianceError {
  override readonly name = "ComplianceError";
  declare readonly code: ComplianceErrorCode;

  constructor(
    code: ComplianceErrorCode,
    message: string,
    options: { subject?: string | undefined; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

/** Recognises a {@link ComplianceError}, also one thrown by another copy of this package. */
export function isComplianceError(value: unknown): value is ComplianceError {
  return isIddioComplianceError(value) && value.name === "ComplianceError";
}
