import type { EvidenceSummary } from "@iddio-compliance/schema";
import type { ConnectorError, ConnectorErrorCode } from "./errors/connector-error.ts";
import type { HttpClient, HttpOptions } from "./http/http-client.ts";
import type { Logger } from "./logger/logger.ts";
import type { CriterionKey } from "./package/criterion-of-file.ts";
import type { EvidencePackage } from "./package/evidence-package.ts";

/** What a connector can do; the conformance kit skips the cases that do not apply. */
export interface ConnectorCapabilities {
  /** Pushes the package's files. */
  files: boolean;
  /** Pushing the same package again creates nothing new remotely. */
  idempotent: boolean;
  /** Accepts CSV packages as well as JSON ones. @default true */
  csv?: boolean;
  /** Pushes structured records (one per criterion) besides or instead of files. @default false */
  structured?: boolean;
  /** `check()` contacts the remote service rather than only validating the configuration. @default true */
  remoteCheck?: boolean;
}

/** Options of one push. */
export interface PushOptions {
  /** Aborts the push; requests in flight are cancelled and the push rejects with `CONNECTOR_ABORTED`. */
  signal?: AbortSignal;
}

/** What happened remotely to one file. */
export type RemoteFileStatus = "created" | "updated" | "unchanged";

/** One file of a receipt. */
export interface ReceiptFile {
  file: string;
  criterion: CriterionKey | undefined;
  /** The id the remote service gave the stored file (or the delivery that carried it). */
  remote_id: string;
  /** A link to the stored file, when the service returns one. */
  url?: string;
  /** `created`: new remotely; `updated`: a new version of an existing object; `unchanged`: already there from an earlier push. */
  status: RemoteFileStatus;
}

/** A file the connector did not push, and why (e.g. no document mapped to its criterion). */
export interface SkippedFile {
  file: string;
  reason: string;
}

/** What a connector's `push` implementation returns; `defineConnector` turns it into a {@link PushReceipt}. */
export interface PushResult {
  files: ReceiptFile[];
  skipped?: SkippedFile[];
}

/** The record of one successful push. Never contains a secret. */
export interface PushReceipt {
  /** Instance name (config `name`, else the connector type). */
  connector: string;
  /** Connector type, e.g. `vanta`. */
  type: string;
  /** SHA-256 of the package's `summary.json`. */
  package_sha256: string;
  period: EvidenceSummary["period"];
  files: ReceiptFile[];
  skipped: SkippedFile[];
  /** When the push finished (ISO 8601). */
  pushed_at: string;
}

/** One file as a dry run would send it. */
export interface PlannedFile {
  file: string;
  criterion: CriterionKey | undefined;
  /** Where it would go, in the connector's words (e.g. `document access-requests`). */
  target: string;
}

/** What a push would send, computed without any network access. */
export interface PushPlan {
  connector: string;
  type: string;
  files: PlannedFile[];
  skipped: SkippedFile[];
}

/** The answer of a successful `check()`. */
export interface CheckResult {
  ok: true;
  /** What was checked, for humans. */
  detail?: string;
}

/** What a connector's `create` returns: the contract (STYLE 7). */
export interface ConnectorImplementation {
  /** Verifies credentials and reachability (or only the configuration). Throws a `ConnectorError` on failure. */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets an implementation be a bare `async check() {}`
  check(): Promise<CheckResult | undefined | void>;
  /** Pushes a verified package; `signal` combines the connector's and the push's signals. */
  push(pkg: EvidencePackage, options: { signal: AbortSignal }): Promise<PushResult>;
  /** Describes what `push` would send; must not touch the network. @default every file to "(connector target)" */
  plan?(pkg: EvidencePackage): { files: PlannedFile[]; skipped?: SkippedFile[] };
  /** Releases resources (timers, sockets). */
  dispose?(): void | Promise<void>;
}

/** A ready connector instance, as `definition.create(config)` returns it. */
export interface Connector {
  /** Instance name used in errors, logs and receipts. */
  readonly name: string;
  /** Connector type (the definition's name). */
  readonly type: string;
  readonly capabilities: Readonly<Required<ConnectorCapabilities>>;
  check(): Promise<CheckResult>;
  push(pkg: EvidencePackage, options?: PushOptions): Promise<PushReceipt>;
  plan(pkg: EvidencePackage): PushPlan;
  dispose(): Promise<void>;
}

/** Extra fields of an error built with {@link ConnectorContext.error}. */
export interface ContextErrorFields {
  status?: number;
  /** @default false */
  retryable?: boolean;
  /** How long the platform asked to wait before the next attempt; `ctx.retry` honours it. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** What `create(config, ctx)` receives besides its config. */
export interface ConnectorContext {
  /** Instance name, for messages. */
  readonly connector: string;
  /** HTTP client: one deadline per attempt (headers and body), a response size cap, bounded retries with backoff and jitter, `Retry-After`, typed redacted errors. */
  readonly http: HttpClient;
  /** Logger whose lines are redacted. */
  readonly logger: Logger;
  /** Aborted when the connector's owner aborts; per-push signals are added automatically to HTTP calls. */
  readonly signal: AbortSignal;
  /** The clock, in milliseconds since the epoch (injectable for tests). */
  now(): number;
  /**
   * Removes every known secret (config values under secret-looking keys, values given to
   * `addSecret`) and every credential-looking token (`Bearer …`, `whsec_…`, `?api_key=…`) from `text`.
   */
  redact(text: string): string;
  /**
   * Waits `ms` with the injected sleep (`http.sleep`, which the conformance kit makes instant), or
   * rejects with `CONNECTOR_ABORTED` as soon as the current push is aborted.
   */
  sleep(ms: number): Promise<void>;
  /**
   * Runs `operation` again while it throws a retryable `ConnectorError`, with the HTTP client's policy
   * (backoff with jitter, `Retry-After`, attempt limit, `ctx.sleep`, abort). For a write that must look
   * before it is sent again: list what the platform holds at the start of each attempt, and send the
   * write itself with `retry: false`.
   */
  retry<T>(operation: (attempt: number) => Promise<T>): Promise<T>;
  /** Registers a secret learnt at run time (an access token) so it is redacted everywhere. */
  addSecret(value: string): void;
  /**
   * Waits for `promise` but rejects with `CONNECTOR_ABORTED` as soon as the current push (or the
   * connector) is aborted: for waiting on shared work such as a token another push is fetching.
   */
  abortable<T>(promise: Promise<T>): Promise<T>;
  /** Builds a `ConnectorError` for this connector, with the message redacted. */
  error(code: ConnectorErrorCode, message: string, fields?: ContextErrorFields): ConnectorError;
}

/** Options of `definition.create(config, options)`. */
export interface CreateConnectorOptions {
  /** Instance name shown in errors, logs and receipts. @default config `name`, else the connector's name */
  name?: string;
  /** Receives redacted log lines. @default silent, or stderr when `DEBUG` mentions iddio-compliance */
  logger?: Logger;
  /** Aborts everything the instance does at once: requests in flight (mid-body included), waits and `ctx.sleep`. */
  signal?: AbortSignal;
  /** HTTP client options: the deadline of one attempt, the response size cap, the retry policy, the sleep (also behind `ctx.sleep`; tests make it instant) and jitter. */
  http?: HttpOptions;
  /** Clock in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}
