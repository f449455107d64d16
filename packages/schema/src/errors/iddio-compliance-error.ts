const BRAND = Symbol.for("iddio-compliance.error");

/** Options every error of this project takes. */
export interface IddioComplianceErrorOptions {
  /** The file, flag, config key path or connector the error is about, when there is one. */
  subject?: string | undefined;
  /** The failure that led to this one (already free of secrets). */
  cause?: unknown;
}

/**
 * The base of every error this project's packages throw: a stable `code`, a message that names
 * the file, flag, key or connector it is about and never holds a secret, the `subject` it is
 * about, and the `cause`. The message is stored plain, without a prefix: whoever prints it adds
 * one (the CLI: `iddio-compliance <command>: …`). {@link isIddioComplianceError} recognises one
 * across duplicated package copies (a brand, not `instanceof`).
 */
export class IddioComplianceError extends Error {
  override readonly name: string = "IddioComplianceError";
  readonly code: string;
  readonly subject: string | undefined;

  constructor(code: string, message: string, options: IddioComplianceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options.subject;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for any error of this project's packages, also one thrown by another copy of them. */
export function isIddioComplianceError(value: unknown): value is IddioComplianceError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
