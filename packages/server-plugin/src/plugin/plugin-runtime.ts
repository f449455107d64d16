import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@iddio-compliance/connector-sdk";
import type { AuditLineSource } from "@iddio-compliance/core";
import type { S3StorageConfig } from "@iddio-compliance/schema";
import { AuditTailVerifier } from "../audit/audit-tail-verifier.ts";
import { createCronSchedule } from "../config/cron-schedule.ts";
import type { ResolvedComplianceConfig } from "../config/resolve-config.ts";
import type { StorageTarget } from "../config/storage-url.ts";
import { Ledger } from "../ledger/ledger.ts";
import { LedgerFacts } from "../ledger/ledger-facts.ts";
import type { LedgerRecordInput } from "../ledger/ledger-record.ts";
import { type PluginMetricsSnapshot, renderMetrics } from "../metrics/plugin-metrics.ts";
import type { ConnectorFactory } from "../outbox/connector-factory.ts";
import { DELETED, Outbox } from "../outbox/outbox.ts";
import type { OutboxConnector, PackageLoader } from "../outbox/outbox-types.ts";
import { failedRecord, missingLedgerRecords, stalledRecord } from "../outbox/reconcile-ledger.ts";
import type { ExportLock } from "../postgres/export-lock.ts";
import { dateInZone } from "../scheduler/calendar.ts";
import { ExportScheduler } from "../scheduler/export-scheduler.ts";
import { ExportStateStore } from "../scheduler/export-state.ts";
import { periodKey } from "../scheduler/period.ts";
import type { EvidenceStorage } from "../storage/evidence-storage.ts";
import { applyRetention } from "../storage/retention.ts";
import { type Clock, formatTimestamp } from "../util/clock.ts";
import type { JobRetryOptions } from "../util/job-retry.ts";
import { runExportJob } from "./export-job.ts";
import type { Exporter } from "./exporter.ts";
import { loadReplicaIdentity, type ReplicaIdentity } from "./replica-identity.ts";

/** What the runtime is built from besides the config. */
export interface RuntimeDeps {
  exporter: Exporter;
  clock: Clock;
  connectorFactory: ConnectorFactory;
  loadPackage: PackageLoader;
  /** Builds the storage; `workDir` holds local copies of remote packages being pushed. */
  createStorage(target: StorageTarget, s3: S3StorageConfig, workDir: string): EvidenceStorage;
  redact(text: string): string;
  logger: Logger;
  retry?: JobRetryOptions | undefined;
  /** What exports read instead of `config.source` (one organisation's PostgreSQL rows). */
  exportSource?: AuditLineSource;
  /** Elects one replica per period: the others wait for it, then find its package owned and skip. */
  exportLock?: ExportLock;
  /** How long a replica waits for another replica's run of the same period before looking again later. @default 600_000 */
  lockWaitMs?: number | undefined;
}

/** Health as `/healthz` reports it. */
export interface PluginHealth {
  /**
   * `degraded`: running, but something needs an operator (see `problems`); `failing`: the source
   * cannot be read, so no evidence can be produced (`/healthz` answers 503).
   */
  status: "ok" | "degraded" | "failing" | "closing";
  /** One sentence per problem that makes the status `degraded`. */
  problems: string[];
  /** Last successful export (ISO 8601), or `null`. */
  last_success_at: string | null;
  /** Period being exported now, `<from>_<to>`, or `null`. */
  exporting: string | null;
  /** Pushes waiting in the outbox, including one in flight. */
  pending_pushes: number;
  /** Pending pushes past the alert threshold (`compliance.outbox.alert_after_hours`). */
  stalled_pushes: number;
  tamper_alerts: number;
}

const DEFAULT_LOCK_WAIT_MS = 600_000;

/** The running plugin: ledger, storage, scheduler, outbox and tail verifier for one config. */
export class ComplianceRuntime {
  readonly #deps: RuntimeDeps;
  #config: ResolvedComplianceConfig;
  readonly #ledger: Ledger;
  readonly #facts: LedgerFacts;
  readonly #replica: ReplicaIdentity;
  readonly #outbox: Outbox;
  readonly #tail = new AuditTailVerifier();
  #storage: EvidenceStorage | undefined;
  #connectors = new Map<string, OutboxConnector>();
  #connectorAbort = new AbortController();
  #scheduler: ExportScheduler | undefined;
  #closing = false;
  /** Why the source cannot be read (a missing audit log, an unreachable database); fails `/healthz`. */
  #sourceProblem: string | null = null;
  /** The last export failure not followed by a success; degrades `/healthz`. */
  #exportProblem: string | null = null;
  #m = {
    exportsTotal: 0,
    exportFailuresTotal: 0,
    lastExportVerified: null as boolean | null,
    tamperAlerts: 0,
    retentionDeletions: 0,
    exportsSkipped: 0,
  };

  private constructor(
    config: ResolvedComplianceConfig,
    deps: RuntimeDeps,
    ledger: Ledger,
    facts: LedgerFacts,
    replica: ReplicaIdentity,
  ) {
    this.#config = config;
    this.#facts = facts;
    this.#replica = replica;
    this.#deps = deps;
    this.#ledger = ledger;
    this.#outbox = new Outbox({
      dir: join(config.stateDir, "outbox"),
      storage: () => this.#storage,
      connectors: () => this.#connectors,
      loadPackage: deps.loadPackage,
      clock: deps.clock,
      logger: deps.logger,
      redact: deps.redact,
      retry: deps.retry,
      alertAfterMs: config.outbox.alertAfterMs,
      onDelivered: async (push) => {
        const [from, to] = push.package.split("_");
        await this.#append({
          event: "push.delivered",
          period_from: from,
          period_to: to,
          connector: push.connector,
          package_sha256: push.package_sha256 ?? "",
        });
      },
      onFailed: (push) => this.#append(failedRecord(push)),
      onAbandoned: (push) => this.#append(failedRecord(push)),
      onStalled: (push) => this.#append(stalledRecord(push)),
    });
  }

  /** Opens the ledger and builds storage and connectors; nothing runs until {@link start}. */
  static async open(config: ResolvedComplianceConfig, deps: RuntimeDeps): Promise<ComplianceRuntime> {
    await mkdir(config.stateDir, { recursive: true });
    // A crash mid-export leaves a staging folder; nothing in it was ever visible in storage.
    await rm(join(config.stateDir, "staging"), { recursive: true, force: true });
    const facts = new LedgerFacts();
    const ledger = await Ledger.open(join(config.stateDir, "ledger.jsonl"), {
      logger: deps.logger,
      onRecord: (entry) => facts.add(entry),
    });
    const replica = await loadReplicaIdentity(config.stateDir);
    const runtime = new ComplianceRuntime(config, deps, ledger, facts, replica);
    runtime.#m.tamperAlerts += ledger.findings.filter((f) => f.severity === "error").length;
    await runtime.#configure(config);
    return runtime;
  }

  get config(): ResolvedComplianceConfig {
    return this.#config;
  }

  /** The ledger file (passed to exports as `ledgers`). */
  get ledgerPath(): string {
    return this.#ledger.path;
  }

  // Swept at open: exports build here, S3 packages are copied here to be pushed.
  get #stagingDir(): string {
    return join(this.#config.stateDir, "staging");
  }

  async #configure(config: ResolvedComplianceConfig): Promise<void> {
    const ae = config.autoExport;
    this.#storage = ae ? this.#deps.createStorage(ae.storage, ae.s3, this.#stagingDir) : undefined;
    this.#connectorAbort = new AbortController();
    const list = await this.#deps.connectorFactory(config.connectors, {
      logger: this.#deps.logger,
      signal: this.#connectorAbort.signal,
    });
    this.#connectors = new Map(list.map((c) => [c.name, c]));
    this.#scheduler = ae?.enabled && this.#storage ? this.#createScheduler(config, this.#storage) : undefined;
  }

  #createScheduler(config: ResolvedComplianceConfig, storage: EvidenceStorage): ExportScheduler {
    const ae = config.autoExport;
    if (!ae) throw new Error("unreachable: no auto_export");
    const { clock, logger } = this.#deps;
    return new ExportScheduler({
      schedule: createCronSchedule(ae.schedule, ae.timeZone),
      period: ae.period,
      retentionMonths: ae.retentionMonths,
      backfillFrom: ae.backfillFrom,
      state: new ExportStateStore(join(config.stateDir, "export-state.json")),
      clock,
      logger,
      retry: this.#deps.retry,
      run: async (period, run) => {
        const lock = this.#deps.exportLock;
        const lease = lock
          ? await lock.acquire(period, {
              waitMs: this.#deps.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
              signal: run.signal,
            })
          : undefined;
        if (lease === null) {
          logger.info("export deferred: another replica is still running this period; looking again later", {
            period: periodKey(period),
          });
          return { checkpoint: null, outcome: "deferred" };
        }
        try {
          const result = await this.#runLocked(
            config,
            ae,
            storage,
            period,
            lease ? { ...run, signal: AbortSignal.any([run.signal, lease.signal]) } : run,
          );
          if (result.outcome === "skipped") this.#m.exportsSkipped++;
          else this.#m.lastExportVerified = result.verified;
          return result;
        } finally {
          await lease?.release();
        }
      },
      onSuccess: async (_period, _ms, outcome) => {
        this.#sourceProblem = null;
        this.#exportProblem = null;
        if (outcome === "skipped") return;
        this.#m.exportsTotal++;
        await this.#retention();
      },
      onFailure: async (period, attempt, error) => {
        this.#m.exportFailuresTotal++;
        const reason = this.#deps.redact((error as Error).message ?? String(error));
        const problem = `export of ${periodKey(period)} failing (attempt ${attempt}): ${reason}`;
        if (isSourceFailure(error)) this.#sourceProblem = problem;
        else this.#exportProblem = problem;
        await this.#append({
          event: "export.failed",
          period_from: period.from,
          period_to: period.to,
          attempt,
          error: this.#deps.redact((error as Error).message ?? String(error)),
        });
      },
    });
  }

  /** One export run, under the period's lock when replicas share the schedule. */
  #runLocked(
    config: ResolvedComplianceConfig,
    ae: NonNullable<ResolvedComplianceConfig["autoExport"]>,
    storage: EvidenceStorage,
    period: Parameters<typeof runExportJob>[1],
    run: Parameters<typeof runExportJob>[2],
  ): ReturnType<typeof runExportJob> {
    return runExportJob(
      {
        source: this.#deps.exportSource ?? config.source,
        autoExport: ae,
        storage,
        ledger: this.#ledger,
        facts: this.#facts,
        exporter: this.#deps.exporter,
        clock: this.#deps.clock,
        logger: this.#deps.logger,
        replica: this.#replica,
        stagingDir: this.#stagingDir,
        enqueue: (key) => this.#outbox.enqueue(key, [...this.#connectors.keys()]),
      },
      period,
      run,
    );
  }

  async #retention(): Promise<void> {
    const ae = this.#config.autoExport;
    const storage = this.#storage;
    if (!ae?.retentionMonths || !storage) return;
    await applyRetention({
      storage,
      months: ae.retentionMonths,
      today: dateInZone(this.#deps.clock.now(), ae.timeZone),
      lock: this.#deps.exportLock,
      // Recorded before the deletion, once: a crash in between deletes it at the next start, unrecorded.
      onDeleting: async (period) => {
        if (this.#facts.deleted.has(periodKey(period))) return;
        await this.#append({
          event: "export.deleted",
          period_from: period.from,
          period_to: period.to,
          location: storage.location,
        });
      },
      onDeleted: async (period) => {
        this.#m.retentionDeletions++;
        this.#deps.logger.info("retention: deleted package", {
          period: periodKey(period),
          location: storage.location,
        });
        await this.#outbox.abandon(periodKey(period), DELETED);
      },
    });
  }

  /** Appends what the outbox's files record and the ledger lacks (a crash between the two writes). */
  async #reconcileLedger(): Promise<void> {
    for (const record of missingLedgerRecords(this.#facts, await this.#outbox.files())) {
      this.#deps.logger.warn("ledger: recording a push step a crash left unrecorded", {
        event: record.event,
        period: `${record.period_from}_${record.period_to}`,
        connector: record.connector,
      });
      await this.#append(record);
    }
  }

  async #append(record: { event: string; timestamp?: unknown; [field: string]: unknown }): Promise<void> {
    const timestamp =
      typeof record.timestamp === "string" ? record.timestamp : formatTimestamp(this.#deps.clock.now());
    await this.#ledger.append({ ...record, timestamp } satisfies LedgerRecordInput);
  }

  /**
   * Recovers storage, reconciles the ledger with the outbox, gives up pushes of packages retention
   * deleted, starts the outbox, runs retention and starts the scheduler (catch-up first).
   */
  async start(): Promise<void> {
    await this.#checkSource();
    await this.#storage?.recover();
    await this.#outbox.open();
    await this.#reconcileLedger();
    for (const key of this.#facts.deleted) await this.#outbox.abandon(key, DELETED);
    this.#outbox.trigger();
    if (this.#scheduler) {
      await this.#retention().catch((error: unknown) =>
        this.#deps.logger.error("retention failed", { error: (error as Error).message }),
      );
      await this.#scheduler.start();
    }
  }

  /** A file source that does not exist is reported at start (a database is judged by its first export). */
  async #checkSource(): Promise<void> {
    const path = this.#deps.exportSource ? undefined : this.#config.auditLog;
    if (path === undefined) return;
    try {
      await stat(path);
    } catch (error) {
      this.#sourceProblem = `compliance.source.audit_log: ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}): there is no audit log to export`;
      this.#deps.logger.error(`source unavailable: ${this.#sourceProblem}`);
    }
  }

  /** Appends a lifecycle record to the ledger. */
  async record(kind: string, state: object): Promise<void> {
    await this.#append({ ...(state as Record<string, unknown>), event: kind });
  }

  /** Verifies appended audit lines; each problem is logged as an alert and counted at once. */
  audit(lines: readonly string[], file?: string, _orgId?: string): void {
    for (const alert of this.#tail.feed(lines, file)) {
      this.#m.tamperAlerts++;
      this.#deps.logger.error(`audit log alert: ${alert.kind}`, {
        kind: alert.kind,
        file: alert.file,
        line: alert.line,
      });
    }
  }

  /** Applies a new config; the export in flight completes first. */
  async reload(config: ResolvedComplianceConfig): Promise<void> {
    if (config.stateDir !== this.#config.stateDir) {
      this.#deps.logger.warn("config reload: state_dir changes take effect on restart", {
        state_dir: this.#config.stateDir,
      });
      config = { ...config, stateDir: this.#config.stateDir };
    }
    await this.#scheduler?.stop();
    await this.#disposeConnectors();
    this.#config = config;
    await this.#configure(config);
    await this.#storage?.recover();
    await this.#scheduler?.start();
    this.#outbox.trigger();
  }

  async #disposeConnectors(): Promise<void> {
    this.#connectorAbort.abort();
    for (const connector of this.#connectors.values()) await connector.dispose?.();
  }

  /** Drains: the export and push in flight complete unless `signal` aborts them; then files close. */
  async close(signal?: AbortSignal): Promise<void> {
    this.#closing = true;
    await Promise.all([this.#scheduler?.stop(signal), this.#outbox.stop(signal)]);
    await this.#disposeConnectors();
    await this.#ledger.close();
    (this.#storage as { destroy?: () => void } | undefined)?.destroy?.();
  }

  /** Resolves when no export or push is running or queued. */
  async whenIdle(): Promise<void> {
    await this.#scheduler?.whenIdle();
    await this.#outbox.whenIdle();
  }

  snapshot(): PluginMetricsSnapshot {
    const state = this.#scheduler?.state;
    const outbox = this.#outbox.stats;
    return {
      lastSuccessSeconds: state?.last_success_at ? Date.parse(state.last_success_at) / 1000 : null,
      lastDurationSeconds: state?.last_duration_ms != null ? state.last_duration_ms / 1000 : null,
      exportFailuresTotal: this.#m.exportFailuresTotal,
      exportsTotal: this.#m.exportsTotal,
      lastExportVerified: this.#m.lastExportVerified,
      auditChainVerified: this.#tail.lines > 0 ? this.#tail.alerts === 0 : null,
      tamperAlertsTotal: this.#m.tamperAlerts,
      auditLinesTotal: this.#tail.lines,
      pendingPushes: outbox.pending,
      failingPushes: outbox.failing,
      stalledPushes: outbox.stalled,
      exportsSkippedTotal: this.#m.exportsSkipped,
      pushFailuresTotal: outbox.failuresTotal,
      pushesDeliveredTotal: outbox.deliveredTotal,
      ledgerVerified: this.#ledger.verified,
      ledgerRecords: this.#ledger.events,
      retentionDeletionsTotal: this.#m.retentionDeletions,
    };
  }

  metrics(): string {
    return renderMetrics(this.snapshot());
  }

  health(): PluginHealth {
    const state = this.#scheduler?.state;
    const inFlight = this.#scheduler?.inFlight;
    const outbox = this.#outbox.stats;
    const problems = [
      ...(this.#sourceProblem ? [this.#sourceProblem] : []),
      ...(this.#exportProblem ? [this.#exportProblem] : []),
      ...this.#outbox
        .stalled()
        .map(
          (p) =>
            `push of ${p.package} to ${p.connector} pending since ${p.created_at} (${p.attempts} failed attempts${p.last_error ? `; last error: ${p.last_error}` : ""})`,
        ),
    ];
    return {
      status: this.#closing
        ? "closing"
        : this.#sourceProblem
          ? "failing"
          : problems.length > 0
            ? "degraded"
            : "ok",
      problems,
      last_success_at: state?.last_success_at ?? null,
      exporting: inFlight ? periodKey(inFlight) : null,
      pending_pushes: outbox.pending,
      stalled_pushes: outbox.stalled,
      tamper_alerts: this.#m.tamperAlerts,
    };
  }
}

/** Errors that mean the source itself cannot be read: no audit log, an unreachable or refusing database. */
const SOURCE_CODES = new Set([
  "SOURCE_NOT_FOUND",
  "SOURCE_EMPTY",
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ETIMEDOUT",
  "28P01", // PostgreSQL: password authentication failed
  "28000", // PostgreSQL: invalid authorization
  "3D000", // PostgreSQL: database does not exist
  "42P01", // PostgreSQL: table does not exist
]);

function isSourceFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && SOURCE_CODES.has(code)) return true;
  }
  return false;
}
