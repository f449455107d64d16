/**
 * The part of a connector the outbox needs (`@iddio-compliance/connector-sdk`'s `Connector`
 * satisfies it): an instance name and `push`, which resolves with a receipt (no secrets).
 */
export interface OutboxConnector<P = unknown> {
  readonly name: string;
  push(pkg: P, options?: { signal?: AbortSignal }): Promise<unknown>;
  dispose?(): void | Promise<void>;
}

/** Reads a stored package folder into what connectors push (the SDK's `loadEvidencePackage`). */
export type PackageLoader<P = unknown> = (dir: string) => Promise<P>;

/** A push waiting in the outbox (`<state_dir>/outbox/pending/<package>~<connector>.json`). */
export interface PendingPush {
  version: 1;
  /** Package key `<from>_<to>`. */
  package: string;
  connector: string;
  created_at: string;
  attempts: number;
  /** Not tried again before this instant. */
  next_attempt_at: string;
  /** The last failure, redacted. */
  last_error: string | null;
  last_error_code: string | null;
  /** When the last attempt failed. */
  last_attempt_at?: string | null;
  /** When the push was reported stalled (still pending longer than the alert threshold), once. */
  stalled_at?: string | null;
}

/** A delivered push (`<state_dir>/outbox/delivered/…`), written before the pending file is removed. */
export interface DeliveredPush {
  version: 1;
  package: string;
  connector: string;
  delivered_at: string;
  attempts: number;
  /** SHA-256 of the delivered package's `summary.json`. */
  package_sha256?: string;
  receipt: unknown;
}
