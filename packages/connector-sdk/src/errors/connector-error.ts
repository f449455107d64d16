import { IddioComplianceError, isIddioComplianceError } from "@iddio-compliance/schema";

/** Stable error codes every connector shares; connectors may add their own `CONNECTOR_*` codes. */
export type ConnectorErrorCode =
  | `CONNECTOR_HTTP_${number}`
  | "CONNECTOR_CONFIG_INVALID"
  | "CONNECTOR_TIMEOUT"
  | "CONNECTOR_ABORTED"
  | "CONNECTOR_NETWORK"
  | "CONNECTOR_PACKAGE_INVALID"
  | "CONNECTOR_RESPONSE_INVALID"
  | "CONNECTOR_RESPONSE_TOO_LARGE"
  | "CONNECTOR_PARTIAL_FAILURE"
  | "CONNECTOR_FAILED"
  | (string & {});

/** Fields of a {@link ConnectorError}. */
export interface ConnectorErrorInit {
  /** Stable machine-readable code, e.g. `CONNECTOR_HTTP_401`. */
  code: ConnectorErrorCode;
  /** What went wrong (the connector's name is put before it); must already be free of secrets. */
  message: string;
  /** The connector (instance name) that failed; omitted for failures outside a connector. */
  connector?: string | undefined;
  /** HTTP status of the remote answer, when there was one. */
  status?: number | undefined;
  /** Whether trying the same push again later may succeed. @default false */
  retryable?: boolean | undefined;
  /** How long the remote service asked to wait before trying again (its `Retry-After`), in milliseconds. */
  retryAfterMs?: number | undefined;
  /** The underlying failure, already stripped of secrets. */
  cause?: unknown;
}

/**
 * Every failure a connector reports. Messages read
 * `vanta: POST https://api.vanta.com/v1/… answered 404 Not Found: …` (the connector's name, then
 * the problem) and never contain a secret; `subject` is the connector's name.
 */
export class ConnectorError extends IddioComplianceError {
  override readonly name = "ConnectorError";
  declare readonly code: ConnectorErrorCode;
  /** What went wrong, without the connector's name. */
  readonly problem: string;
  readonly connector: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: ConnectorErrorInit) {
    super(init.code, init.connector ? `${init.connector}: ${init.message}` : init.message, {
      subject: init.connector,
      cause: init.cause,
    });
    this.problem = init.message;
    this.connector = init.connector;
    this.status = init.status;
    this.retryable = init.retryable ?? false;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** A plain object for logs and JSON output (`JSON.stringify(error)`). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      connector: this.connector,
      status: this.status,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      message: this.message,
    };
  }
}

/** True for a {@link ConnectorError}, also one thrown by another copy of this package. */
export function isConnectorError(value: unknown): value is ConnectorError {
  return isIddioComplianceError(value) && value.name === "ConnectorError";
}
