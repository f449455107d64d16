import { IddioComplianceError, isIddioComplianceError } from "@iddio-compliance/schema/wire";

/** Stable codes of {@link ServerConfigError}. */
export type ServerConfigErrorCode =
  | "CONFIG_NOT_FOUND"
  | "CONFIG_UNREADABLE"
  | "CONFIG_YAML_INVALID"
  | "CONFIG_COMPLIANCE_MISSING"
  | "CONFIG_ENV_MISSING"
  | "CONFIG_INVALID";

/**
 * A server config file that cannot be used. The message names the file and the key path
 * (`compliance.auto_export.schedule`) or the missing environment variable, never a value.
 */
export class ServerConfigError extends IddioComplianceError {
  override readonly name = "ServerConfigError";
  declare readonly code: ServerConfigErrorCode;
  /** The config file, when the config came from one. */
  readonly file: string | undefined;
  /** Key path of the first problem, e.g. `compliance.connectors[0].client_secret`. */
  readonly keyPath: string | undefined;
  /** The environment variable that is not set (`CONFIG_ENV_MISSING`). */
  readonly variable: string | undefined;

  constructor(
    code: ServerConfigErrorCode,
    message: string,
    options: {
      file?: string | undefined;
      keyPath?: string | undefined;
      variable?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, { subject: options.keyPath ?? options.file, cause: options.cause });
    this.file = options.file;
    this.keyPath = options.keyPath;
    this.variable = options.variable;
  }
}

/** Recognises a {@link ServerConfigError}, also one thrown by another copy of this package. */
export function isServerConfigError(value: unknown): value is ServerConfigError {
  return isIddioComplianceError(value) && value.name === "ServerConfigError";
}
