import { IddioComplianceError, isIddioComplianceError } from "@iddio-compliance/schema";

/** Stable codes of the errors `@iddio-compliance/server-plugin` throws. */
export type ServerPluginErrorCode =
  | "CONFIG_INVALID"
  | "CONFIG_LOADER_UNAVAILABLE"
  | "EXPORTER_UNAVAILABLE"
  | "CONNECTOR_UNAVAILABLE"
  | "STORAGE_UNSUPPORTED"
  | "STORAGE_FAILED"
  | "PACKAGE_INVALID"
  | "LISTEN_NOT_LOOPBACK"
  | "STATE_UNREADABLE"
  | "ABORTED";

/**
 * An error of the server plugin: a stable `code`, the config key, file or package it is about
 * (`subject`) and the `cause` when another error led to it. Messages never hold secret values.
 */
export class ServerPluginError extends IddioComplianceError {
  override readonly name: string = "ServerPluginError";
  declare readonly code: ServerPluginErrorCode;

  constructor(
    code: ServerPluginErrorCode,
    message: string,
    options: { subject?: string; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

/** Recognises a {@link ServerPluginError}, also one thrown by another copy of this package. */
export function isServerPluginError(value: unknown): value is ServerPluginError {
  return (
    isIddioComplianceError(value) &&
    (value.name === "ServerPluginError" || value.name === "ComplianceConfigError")
  );
}
