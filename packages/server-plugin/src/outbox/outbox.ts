import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../host/logger.ts";
import { ABANDONED_PREFIX } from "../ledger/ledger-facts.ts";
import type { EvidenceStorage } from "../storage/evidence-storage.ts";
import { readJsonFile, writeFileAtomic } from "../util/atomic-write.ts";
import { type BackoffOptions, backoffDelay } from "../util/backoff.ts";
import type { Clock, TimerHandle } from "../util/clock.ts";
import { settleAfterAbort } from "../util/settle-after-abort.ts";
import { SingleFlight } from "../util/single-flight.ts";
import type { DeliveredPush, OutboxConnector, PackageLoader, PendingPush } from "./outbox-types.ts";

/** Options of {@link Outbox}. */
export interface OutboxOptions {
  /** Folder of the outbox (`pending/`, `delivered/` and `abandoned/` inside). */
  dir: string;
  /** The storage packages are read from (a function: it changes on config reload). */
  storage(): EvidenceStorage | undefined;
  /** Connector instances by name (a function: they change on config reload). */
  connectors(): ReadonlyMap<string, OutboxConnector>;
  loadPackage: PackageLoader;
  clock: Clock;
  logger: Logger;
  /** Removes secrets from error text before it is logged or persisted. */
  redact(text: string): string;
  /** Backoff of failed pushes. @default { baseMs: 60_000, maxMs: 3_600_000 } */
  retry?: BackoffOptions | undefined;
  /** A push still pending this long after it was queued is reported stalled, once. @default 86_400_000 (24 h) */
  alertAfterMs?: number | undefined;
  /** How long a push in flight may take to notice `stop`'s aborted signal before `stop` returns anyway. @default 5_000 */
  abortGraceMs?: number | undefined;
  /** Called once per delivery, after `delivered/` records it and before the pending file is removed. */
  onDelivered?(push: DeliveredPush): Promise<void>;
  /** Called after each failed attempt, once the pending file records it. */
  onFailed?(push: PendingPush): Promise<void>;
  /** Called when a push is given up because retention deleted its package. */
  onAbandoned?(push: PendingPush): Promise<void>;
  /** Called once when a push has been pending longer than `alertAfterMs`. */
  onStalled?(push: PendingPush): Promise<void>;
}

/** Counts for `/metrics` and `/healthz`, true at every moment (not only after a pass). */
export interface OutboxStats {
  /** Pushes waiting (first try, retry, or in flight). */
  pending: number;
  /** Pending pushes whose last attempt failed. */
  failing: number;
  /** Pending pushes reported stalled (pending longer than the alert threshold). */
  stalled: number;
  /** Failed attempts since start. */
  failuresTotal: number;
  /** Deliveries since start. */
  deliveredTotal: number;
}

/** What the outbox's files say, for reconciling the ledger at start. */
export interface OutboxFiles {
  pending: PendingPush[];
  delivered: DeliveredPush[];
  abandoned: PendingPush[];
}

/** Why a push of a package retention deleted is given up. */
export const DELETED = "the package was deleted by retention before it was delivered";

const DAY_MS = 86_400_000;

/**
 * The file name of a push: `<package>~<connector>.json`. The connector name is URI-encoded: a
 * connector without a `name` is named after its `type`, which may be a scoped package
 * (`@acme/iddio-connector-filebox`), and a `/` must not make a folder of it. Names made of
 * letters, digits, dot, dash and underscore stay as they are.
 */
export const pushFile = (pkg: string, connector: string): string =>
  `${pkg}~${encodeURIComponent(connector)}.json`;

function errorCode(error: unknown): string | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : null;
}

function byAge(a: PendingPush, b: PendingPush): number {
  return a.created_at.localeCompare(b.created_at) || a.package.localeCompare(b.package);
}

/**
 * Persistent outbox of connector pushes (DESIGN §7.4): one JSON file per pending push, written
 * atomically, so pushes survive restarts. A delivery is recorded in `delivered/` before anything
 * else, and a recorded delivery is never pushed again; the ledger record follows, and a crash
 * between the two is repaired at the next start from these files ({@link files}). Failures are
 * retried with exponential backoff; a push pending longer than `alertAfterMs` is reported stalled.
 * A crash while a connector is accepting a push re-pushes it on restart: connectors are idempotent
 * per package (DESIGN §8) for that window.
 */
export class Outbox {
  readonly #o: OutboxOptions;
  readonly #pending: string;
  readonly #delivered: string;
  readonly #abandoned: string;
  readonly #flight: SingleFlight;
  readonly #abort = new AbortController();
  // Mirror of `pending/`, so counts are true while a push is in flight.
  readonly #entries = new Map<string, PendingPush>();
  #timer: TimerHandle | undefined;
  #failuresTotal = 0;
  #deliveredTotal = 0;

  constructor(options: OutboxOptions) {
    this.#o = options;
    this.#pending = join(options.dir, "pending");
    this.#delivered = join(options.dir, "delivered");
    this.#abandoned = join(options.dir, "abandoned");
    this.#flight = new SingleFlight(
      () => this.#pass(),
      (error) =>
        options.logger.error("outbox pass failed", { error: options.redact((error as Error).message) }),
    );
  }

  /** Counts for metrics and health. */
  get stats(): Readonly<OutboxStats> {
    const entries = [...this.#entries.values()];
    return {
      pending: entries.length,
      failing: entries.filter((e) => e.attempts > 0).length,
      stalled: entries.filter((e) => e.stalled_at).length,
      failuresTotal: this.#failuresTotal,
      deliveredTotal: this.#deliveredTotal,
    };
  }

  /** The pushes reported stalled and still pending, oldest first. */
  stalled(): PendingPush[] {
    return [...this.#entries.values()].filter((e) => e.stalled_at).sort(byAge);
  }

  /** Creates the folders and loads what a previous run left pending; delivers nothing yet ({@link trigger}). */
  async open(): Promise<void> {
    await mkdir(this.#pending, { recursive: true });
    await mkdir(this.#delivered, { recursive: true });
    await mkdir(this.#abandoned, { recursive: true });
    this.#entries.clear();
    const now = this.#o.clock.now().toISOString();
    for (const raw of await this.#readDir<PendingPush>(this.#pending)) {
      // A file missing times (hand-edited, or an older layout) is due now and counted from now.
      const entry: PendingPush = {
        ...raw,
        created_at: typeof raw.created_at === "string" ? raw.created_at : now,
        next_attempt_at: typeof raw.next_attempt_at === "string" ? raw.next_attempt_at : now,
        attempts: typeof raw.attempts === "number" ? raw.attempts : 0,
      };
      this.#entries.set(pushFile(entry.package, entry.connector), entry);
    }
  }

  /** Every pending, delivered and abandoned push on disk. */
  async files(): Promise<OutboxFiles> {
    return {
      pending: [...this.#entries.values()].sort(byAge),
      delivered: await this.#readDir<DeliveredPush>(this.#delivered),
      abandoned: await this.#readDir<PendingPush>(this.#abandoned),
    };
  }

  /** Queues a push of package `pkg` to each connector; idempotent per (package, connector). */
  async enqueue(pkg: string, connectors: readonly string[]): Promise<void> {
    const now = this.#o.clock.now().toISOString();
    for (const connector of connectors) {
      const name = pushFile(pkg, connector);
      if (this.#entries.has(name)) continue;
      if ((await readJsonFile(join(this.#delivered, name))) !== undefined) continue;
      const entry: PendingPush = {
        version: 1,
        package: pkg,
        connector,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        last_error_code: null,
        last_attempt_at: null,
        stalled_at: null,
      };
      await this.#writePending(entry);
    }
    this.trigger();
  }

  /** Delivers what is due now (single flight). */
  trigger(): void {
    this.#flight.trigger();
  }

  /** Resolves when no delivery pass is running or queued. */
  whenIdle(): Promise<void> {
    return this.#flight.whenIdle();
  }

  /**
   * Stops retrying. A push in flight completes unless `signal` aborts it (it then stays pending);
   * once aborted, `stop` waits at most `abortGraceMs` more for a connector that ignores the signal.
   */
  async stop(signal?: AbortSignal): Promise<void> {
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    const abort = () => this.#abort.abort(new Error("the server is closing"));
    if (signal?.aborted) abort();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      const settled = await settleAfterAbort(this.#flight.stop(), signal, this.#o.abortGraceMs ?? 5_000);
      if (!settled)
        this.#o.logger.warn(
          "outbox: a push ignored the shutdown signal; it stays pending and is retried at start",
        );
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  async #readDir<T extends { version: number; created_at?: string }>(dir: string): Promise<T[]> {
    const out: T[] = [];
    for (const name of await readdir(dir)) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const entry = (await readJsonFile(join(dir, name))) as T | undefined;
      if (entry?.version === 1) out.push(entry);
    }
    return out;
  }

  async #writePending(entry: PendingPush): Promise<void> {
    const name = pushFile(entry.package, entry.connector);
    await writeFileAtomic(join(this.#pending, name), `${JSON.stringify(entry, null, 2)}\n`);
    this.#entries.set(name, entry);
  }

  async #removePending(name: string): Promise<void> {
    this.#entries.delete(name);
    await rm(join(this.#pending, name), { force: true });
  }

  #alertAfterMs(): number {
    return this.#o.alertAfterMs ?? DAY_MS;
  }

  async #pass(): Promise<void> {
    const o = this.#o;
    for (const entry of [...this.#entries.values()].sort(byAge)) {
      if (this.#abort.signal.aborted) break;
      const name = pushFile(entry.package, entry.connector);
      if (Date.parse(entry.next_attempt_at) <= o.clock.now().getTime()) await this.#deliver(entry);
      const left = this.#entries.get(name);
      if (left && !left.stalled_at && !this.#abort.signal.aborted) await this.#checkStalled(left);
    }
    if (this.#timer) o.clock.clearTimeout(this.#timer);
    if (this.#abort.signal.aborted) return;
    const due = [...this.#entries.values()].flatMap((e) => [
      Date.parse(e.next_attempt_at),
      e.stalled_at ? Number.POSITIVE_INFINITY : Date.parse(e.created_at) + this.#alertAfterMs(),
    ]);
    const next = Math.min(...due);
    if (Number.isFinite(next))
      this.#timer = o.clock.setTimeout(() => this.trigger(), Math.max(0, next - o.clock.now().getTime()));
  }

  /** Reports a push pending longer than the threshold: the file first, then log and ledger. */
  async #checkStalled(entry: PendingPush): Promise<void> {
    const o = this.#o;
    const now = o.clock.now();
    if (now.getTime() - Date.parse(entry.created_at) < this.#alertAfterMs()) return;
    const stalled: PendingPush = { ...entry, stalled_at: now.toISOString() };
    await this.#writePending(stalled);
    o.logger.error("outbox: push stalled: still pending after the alert threshold; retrying", {
      package: entry.package,
      connector: entry.connector,
      pending_since: entry.created_at,
      attempts: entry.attempts,
      error: entry.last_error,
    });
    await o.onStalled?.(stalled);
  }

  async #deliver(entry: PendingPush): Promise<void> {
    const o = this.#o;
    const name = pushFile(entry.package, entry.connector);
    if ((await readJsonFile(join(this.#delivered, name))) !== undefined) {
      // Delivered and recorded before a crash: only the pending file was left behind.
      await this.#removePending(name);
      return;
    }
    if ((await readJsonFile(join(this.#abandoned, name))) !== undefined) {
      await this.#removePending(name);
      return;
    }
    const connector = o.connectors().get(entry.connector);
    const storage = o.storage();
    if (!connector || !storage) {
      o.logger.warn("outbox: connector or storage not configured; push kept pending", {
        package: entry.package,
        connector: entry.connector,
      });
      return;
    }
    let receipt: unknown;
    let summarySha = "";
    let opened: Awaited<ReturnType<EvidenceStorage["open"]>> | undefined;
    try {
      opened = await storage.open(entry.package);
      const pkg = await o.loadPackage(opened.dir);
      const sha = (pkg as { sha256?: unknown }).sha256;
      summarySha = typeof sha === "string" ? sha : "";
      receipt = await connector.push(pkg, { signal: this.#abort.signal });
    } catch (error) {
      await this.#failed(entry, error);
      return;
    } finally {
      await opened?.release();
    }
    // Accepted remotely. Recorded here first, so a crash from now on never pushes it again; the
    // ledger record that follows is repaired at start if the crash comes before it.
    const delivered: DeliveredPush = {
      version: 1,
      package: entry.package,
      connector: entry.connector,
      delivered_at: o.clock.now().toISOString(),
      attempts: entry.attempts + 1,
      package_sha256: summarySha,
      receipt,
    };
    await writeFileAtomic(join(this.#delivered, name), `${JSON.stringify(delivered, null, 2)}\n`);
    this.#entries.delete(name);
    this.#deliveredTotal++;
    o.logger.info("outbox: package delivered", {
      package: entry.package,
      connector: entry.connector,
      attempts: delivered.attempts,
    });
    await o.onDelivered?.(delivered);
    o.logger.debug("outbox: delivery recorded in the ledger", {
      package: entry.package,
      connector: entry.connector,
    });
    await this.#removePending(name);
  }

  async #failed(entry: PendingPush, error: unknown): Promise<void> {
    const o = this.#o;
    const name = pushFile(entry.package, entry.connector);
    if (this.#abort.signal.aborted) return;
    // Given up while this attempt ran (retention deleted the package): not retried.
    if ((await readJsonFile(join(this.#abandoned, name))) !== undefined) {
      await this.#removePending(name);
      return;
    }
    const attempts = entry.attempts + 1;
    const delay = backoffDelay(attempts, o.retry);
    const now = o.clock.now();
    const failed: PendingPush = {
      ...entry,
      attempts,
      next_attempt_at: new Date(now.getTime() + delay).toISOString(),
      last_error: o.redact((error as Error).message ?? String(error)),
      last_error_code: errorCode(error),
      last_attempt_at: now.toISOString(),
    };
    await this.#writePending(failed);
    this.#failuresTotal++;
    o.logger.warn("outbox: push failed; retrying with backoff", {
      package: entry.package,
      connector: entry.connector,
      attempt: attempts,
      retry_in_ms: delay,
      error: failed.last_error,
    });
    await o.onFailed?.(failed);
  }

  /**
   * Gives up every pending push of package `pkg` (retention deleted it): each is recorded in
   * `abandoned/` with `reason` and never tried again.
   */
  async abandon(pkg: string, reason: string): Promise<void> {
    const o = this.#o;
    for (const entry of [...this.#entries.values()].sort(byAge)) {
      if (entry.package !== pkg) continue;
      const name = pushFile(entry.package, entry.connector);
      const abandoned: PendingPush = {
        ...entry,
        last_error: `${ABANDONED_PREFIX}${reason}`,
        last_error_code: "PACKAGE_DELETED",
      };
      await writeFileAtomic(join(this.#abandoned, name), `${JSON.stringify(abandoned, null, 2)}\n`);
      await this.#removePending(name);
      o.logger.warn("outbox: push abandoned", { package: pkg, connector: entry.connector, reason });
      await o.onAbandoned?.(abandoned);
    }
  }
}
