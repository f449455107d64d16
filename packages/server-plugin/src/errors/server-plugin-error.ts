const BRAND = Symbol.for("iddio-compliance.server-plugin.error");

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
export class ServerPluginError extends Error {
  override readonly name = "ServerPluginError";
  readonly code: ServerPluginErrorCode;
  /** The config key path, file or package the error is about, when there is one. */
  readonly subject: string | undefined;

  constructor(
    code: ServerPluginErrorCode,
    message: string,
    options: { subject?: string; cause?: unknown } = {},
  ) {
    super(
      `[iddio-compliance] [server-plugin] ${message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.subject = options.subject;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Recognises a {@link ServerPluginError}, also one thrown by another copy of this package. */
export function isServerPluginError(value: unknown): value is ServerPluginError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
