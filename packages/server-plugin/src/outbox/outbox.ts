import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../host/logger.ts";
import type { EvidenceStorage } from "../storage/evidence-storage.ts";
import { readJsonFile, writeFileAtomic } from "../util/atomic-write.ts";
import { type BackoffOptions, backoffDelay } from "../util/backoff.ts";
import type { Clock, TimerHandle } from "../util/clock.ts";
import { SingleFlight } from "../util/single-flight.ts";
import type { DeliveredPush, OutboxConnector, PackageLoader, PendingPush } from "./outbox-types.ts";

/** Options of {@link Outbox}. */
export interface OutboxOptions {
  /** Folder of the outbox (`pending/` and `delivered/` inside). */
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
  retry?: BackoffOptions;
  /** Called once per delivery, after it is recorded and before the pending entry is removed. */
  onDelivered?(push: DeliveredPush, summarySha256: string): Promise<void>;
  /** Called after each failed attempt. */
  onFailed?(push: PendingPush): Promise<void>;
  /** Called when a push is given up because retention deleted its package. */
  onAbandoned?(push: PendingPush): Promise<void>;
}

/** Counts for `/metrics`. */
export interface OutboxStats {
  /** Pushes waiting (first try or retry). */
  pending: number;
  /** Pending pushes whose last attempt failed. */
  failing: number;
  /** Failed attempts since start. */
  failuresTotal: number;
  /** Deliveries since start. */
  deliveredTotal: number;
}

/** Why a push of a package retention deleted is given up. */
export const DELETED = "the package was deleted by retention before it was delivered";

const file = (pkg: string, connector: string) => `${pkg}~${connector}.json`;

function errorCode(error: unknown): string | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : null;
}

/**
 * Persistent outbox of connector pushes (DESIGN §7.4): one JSON file per pending push, written
 * atomically, so pushes survive restarts. A delivery is recorded (`delivered/`) before its pending
 * file is removed, and a recorded delivery is never pushed again; failures are retried with
 * exponential backoff. A crash between a connector accepting a push and the record being written
 * re-pushes once on restart: connectors are idempotent per package (DESIGN §8) for that window.
 */
export class Outbox {
  readonly #o: OutboxOptions;
  readonly #pending: string;
  readonly #delivered: string;
  readonly #abandoned: string;
  readonly #flight: SingleFlight;
  readonly #abort = new AbortController();
  #timer: TimerHandle | undefined;
  #stats: OutboxStats = { pending: 0, failing: 0, failuresTotal: 0, deliveredTotal: 0 };

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

  /** Counts for metrics, as of the last pass. */
  get stats(): Readonly<OutboxStats> {
    return this.#stats;
  }

  /**
   * Creates the folders and delivers whatever a previous run left pending, except pushes of the
   * packages in `deleted` (retention removed them; see {@link abandon}).
   */
  async start(deleted: Iterable<string> = []): Promise<void> {
    await mkdir(this.#pending, { recursive: true });
    await mkdir(this.#delivered, { recursive: true });
    await mkdir(this.#abandoned, { recursive: true });
    for (const pkg of deleted) await this.abandon(pkg, DELETED);
    this.trigger();
  }

  /** Queues a push of package `pkg` to each connector; idempotent per (package, connector). */
  async enqueue(pkg: string, connectors: readonly string[]): Promise<void> {
    const now = this.#o.clock.now().toISOString();
    for (const connector of connectors) {
      const name = file(pkg, connector);
      if ((await readJsonFile(join(this.#delivered, name))) !== undefined) continue;
      if ((await readJsonFile(join(this.#pending, name))) !== undefined) continue;
      const entry: PendingPush = {
        version: 1,
        package: pkg,
        connector,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        last_error_code: null,
      };
      await writeFileAtomic(join(this.#pending, name), `${JSON.stringify(entry, null, 2)}\n`);
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

  /** Stops retrying; a push in flight completes unless `signal` aborts it (it then stays pending). */
  async stop(signal?: AbortSignal): Promise<void> {
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    const abort = () => this.#abort.abort(new Error("the server is closing"));
    if (signal?.aborted) abort();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      await this.#flight.stop();
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  async #readPending(): Promise<PendingPush[]> {
    const out: PendingPush[] = [];
    for (const name of await readdir(this.#pending)) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const entry = (await readJsonFile(join(this.#pending, name))) as PendingPush | undefined;
      if (entry?.version === 1) out.push(entry);
    }
    return out.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.package.localeCompare(b.package));
  }

  async #pass(): Promise<void> {
    const o = this.#o;
    for (const entry of await this.#readPending()) {
      if (this.#abort.signal.aborted) break;
      if (Date.parse(entry.next_attempt_at) > o.clock.now().getTime()) continue;
      await this.#deliver(entry);
    }
    const left = await this.#readPending();
    this.#stats = {
      ...this.#stats,
      pending: left.length,
      failing: left.filter((e) => e.attempts > 0).length,
    };
    if (this.#timer) o.clock.clearTimeout(this.#timer);
    const next = Math.min(...left.map((e) => Date.parse(e.next_attempt_at)));
    if (Number.isFinite(next) && !this.#abort.signal.aborted) {
      this.#timer = o.clock.setTimeout(() => this.trigger(), Math.max(0, next - o.clock.now().getTime()));
    }
  }

  async #deliver(entry: PendingPush): Promise<void> {
    const o = this.#o;
    const name = file(entry.package, entry.connector);
    if ((await readJsonFile(join(this.#delivered, name))) !== undefined) {
      // Delivered and recorded before a crash: only the pending file was left behind.
      await rm(join(this.#pending, name), { force: true });
      return;
    }
    if (await this.#isAbandoned(name)) {
      await rm(join(this.#pending, name), { force: true });
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
    let opened: Awaited<ReturnType<EvidenceStorage["open"]>> | undefined;
    try {
      opened = await storage.open(entry.package);
      const pkg = await o.loadPackage(opened.dir);
      const receipt = await connector.push(pkg, { signal: this.#abort.signal });
      const delivered: DeliveredPush = {
        version: 1,
        package: entry.package,
        connector: entry.connector,
        delivered_at: o.clock.now().toISOString(),
        attempts: entry.attempts + 1,
        receipt,
      };
      await writeFileAtomic(join(this.#delivered, name), `${JSON.stringify(delivered, null, 2)}\n`);
      this.#stats.deliveredTotal++;
      o.logger.info("outbox: package delivered", {
        package: entry.package,
        connector: entry.connector,
        attempts: delivered.attempts,
      });
      const summarySha = (pkg as { sha256?: unknown }).sha256;
      await o.onDelivered?.(delivered, typeof summarySha === "string" ? summarySha : "");
      await rm(join(this.#pending, name), { force: true });
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      // Given up while this attempt ran (retention deleted the package): not retried.
      if (await this.#isAbandoned(name)) {
        await rm(join(this.#pending, name), { force: true });
        return;
      }
      const attempts = entry.attempts + 1;
      const delay = backoffDelay(attempts, o.retry);
      const failed: PendingPush = {
        ...entry,
        attempts,
        next_attempt_at: new Date(o.clock.now().getTime() + delay).toISOString(),
        last_error: o.redact((error as Error).message ?? String(error)),
        last_error_code: errorCode(error),
      };
      await writeFileAtomic(join(this.#pending, name), `${JSON.stringify(failed, null, 2)}\n`);
      this.#stats.failuresTotal++;
      o.logger.warn("outbox: push failed; retrying with backoff", {
        package: entry.package,
        connector: entry.connector,
        attempt: attempts,
        retry_in_ms: delay,
        error: failed.last_error,
      });
      await o.onFailed?.(failed);
    } finally {
      await opened?.release();
    }
  }

  /**
   * Gives up every pending push of package `pkg` (retention deleted it): each is recorded in
   * `abandoned/` with `reason` and never tried again.
   */
  async abandon(pkg: string, reason: string): Promise<void> {
    const o = this.#o;
    for (const entry of await this.#readPending()) {
      if (entry.package !== pkg) continue;
      const name = file(entry.package, entry.connector);
      const abandoned: PendingPush = {
        ...entry,
        last_error: `push abandoned: ${reason}`,
        last_error_code: "PACKAGE_DELETED",
      };
      await writeFileAtomic(join(this.#abandoned, name), `${JSON.stringify(abandoned, null, 2)}\n`);
      await rm(join(this.#pending, name), { force: true });
      o.logger.warn("outbox: push abandoned", { package: pkg, connector: entry.connector, reason });
      await o.onAbandoned?.(abandoned);
    }
  }

  async #isAbandoned(name: string): Promise<boolean> {
    return (await readJsonFile(join(this.#abandoned, name))) !== undefined;
  }
}
