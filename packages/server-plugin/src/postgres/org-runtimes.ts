import type { LogFields, Logger } from "@iddio-compliance/connector-sdk";
import { postgresSource } from "@iddio-compliance/source-postgres";
import type { ResolvedComplianceConfig } from "../config/resolve-config.ts";
import { ComplianceRuntime, type PluginHealth, type RuntimeDeps } from "../plugin/plugin-runtime.ts";
import { postgresExportLock } from "./export-lock.ts";
import { mergeOrgMetrics } from "./merge-metrics.ts";
import { orgRuntimeConfig } from "./org-config.ts";

/** What the plugin drives: one runtime (files) or one per organisation (PostgreSQL). */
export type PluginRuntime = Pick<
  ComplianceRuntime,
  "start" | "close" | "reload" | "record" | "audit" | "whenIdle" | "metrics" | "health"
>;

/** Health of every organisation, plus the roll-up the plugin reports. */
export type OrgsHealth = PluginHealth & { orgs: Record<string, PluginHealth> };

function orgLogger(logger: Logger, org: string): Logger {
  const tag = (fields?: LogFields): LogFields => ({ ...fields, org });
  return {
    debug: (m, f) => logger.debug(m, tag(f)),
    info: (m, f) => logger.info(m, tag(f)),
    warn: (m, f) => logger.warn(m, tag(f)),
    error: (m, f) => logger.error(m, tag(f)),
  };
}

/**
 * The plugin over the enterprise server's PostgreSQL (`compliance.source.postgres`): one runtime
 * per organisation, each with its own source (that org's `audit_events` rows), schedule state,
 * ledger, outbox and storage prefix, and the replicas' advisory lock around every scheduled run.
 */
export class OrgRuntimeSet implements PluginRuntime {
  readonly #runtimes: ReadonlyMap<string, ComplianceRuntime>;
  readonly #logger: Logger;
  #config: ResolvedComplianceConfig;
  #auditIgnoredLogged = false;

  private constructor(
    config: ResolvedComplianceConfig,
    runtimes: ReadonlyMap<string, ComplianceRuntime>,
    logger: Logger,
  ) {
    this.#config = config;
    this.#runtimes = runtimes;
    this.#logger = logger;
  }

  /** Opens one runtime per `compliance.source.postgres.org_id`. */
  static async open(config: ResolvedComplianceConfig, deps: RuntimeDeps): Promise<OrgRuntimeSet> {
    const pg = config.postgres;
    if (!pg) throw new Error("OrgRuntimeSet: the config has no PostgreSQL source");
    const runtimes = new Map<string, ComplianceRuntime>();
    for (const orgId of pg.orgIds) {
      const runtime = await ComplianceRuntime.open(orgRuntimeConfig(config, orgId), {
        ...deps,
        logger: orgLogger(deps.logger, orgId),
        exportSource: postgresSource({ url: pg.url, orgId }),
        exportLock: postgresExportLock(pg.url, orgId),
      });
      runtimes.set(orgId, runtime);
    }
    return new OrgRuntimeSet(config, runtimes, deps.logger);
  }

  async start(): Promise<void> {
    for (const runtime of this.#runtimes.values()) await runtime.start();
  }

  async close(signal?: AbortSignal): Promise<void> {
    for (const runtime of this.#runtimes.values()) await runtime.close(signal);
  }

  /** Applies a new config to every organisation; a changed database or organisation list needs a restart. */
  async reload(config: ResolvedComplianceConfig): Promise<void> {
    const before = this.#config.postgres;
    const after = config.postgres;
    if (!after || after.url !== before?.url || after.orgIds.join("\n") !== before.orgIds.join("\n")) {
      this.#logger.warn("config reload: compliance.source changes take effect on restart");
      config = { ...config, source: this.#config.source, postgres: before };
    }
    this.#config = config;
    for (const [orgId, runtime] of this.#runtimes) await runtime.reload(orgRuntimeConfig(config, orgId));
  }

  /**
   * Records a lifecycle hook in the ledger of the organisation it names (`org_id`), or of the only
   * one configured. A record naming no configured organisation is logged, never guessed.
   */
  async record(kind: string, state: object): Promise<void> {
    const orgId = (state as { org_id?: unknown }).org_id;
    const runtime =
      this.#runtimes.size === 1
        ? [...this.#runtimes.values()][0]
        : typeof orgId === "string"
          ? this.#runtimes.get(orgId)
          : undefined;
    if (!runtime) {
      this.#logger.warn("lifecycle hook names no configured organisation (org_id); not recorded", { kind });
      return;
    }
    await runtime.record(kind, state);
  }

  /**
   * Verifies new rows of the organisation they name (`org_id`, or the only one configured), as a
   * file source's appended lines are: a tamper or link break raises an alert at once. Lines naming
   * no configured organisation are logged once, never guessed.
   */
  audit(lines: readonly string[], file?: string, orgId?: string): void {
    const runtime =
      this.#runtimes.size === 1
        ? [...this.#runtimes.values()][0]
        : orgId !== undefined
          ? this.#runtimes.get(orgId)
          : undefined;
    if (runtime) {
      runtime.audit(lines, file);
      return;
    }
    if (this.#auditIgnoredLogged) return;
    this.#auditIgnoredLogged = true;
    this.#logger.warn("audit:append names no configured organisation (org_id); its lines are not verified", {
      ...(orgId !== undefined ? { org_id: orgId } : {}),
    });
  }

  async whenIdle(): Promise<void> {
    for (const runtime of this.#runtimes.values()) await runtime.whenIdle();
  }

  metrics(): string {
    return mergeOrgMetrics(
      [...this.#runtimes].map(([orgId, runtime]) => ({ orgId, text: runtime.metrics() })),
    );
  }

  /** The roll-up is as bad as the worst organisation: the oldest last success, every pending push, problem and alert. */
  health(): OrgsHealth {
    const orgs: Record<string, PluginHealth> = {};
    for (const [orgId, runtime] of this.#runtimes) orgs[orgId] = runtime.health();
    const all = Object.entries(orgs);
    const successes = all.map(([, h]) => h.last_success_at);
    const exporting = all.find(([, h]) => h.exporting !== null);
    const closing = all.some(([, h]) => h.status === "closing");
    const failing = all.some(([, h]) => h.status === "failing");
    const problems = all.flatMap(([orgId, h]) => h.problems.map((p) => `${orgId}: ${p}`));
    return {
      status: closing ? "closing" : failing ? "failing" : problems.length > 0 ? "degraded" : "ok",
      problems,
      last_success_at: successes.includes(null) ? null : ([...successes].sort()[0] ?? null),
      exporting: exporting ? `${exporting[0]}/${exporting[1].exporting}` : null,
      pending_pushes: all.reduce((n, [, h]) => n + h.pending_pushes, 0),
      stalled_pushes: all.reduce((n, [, h]) => n + h.stalled_pushes, 0),
      tamper_alerts: all.reduce((n, [, h]) => n + h.tamper_alerts, 0),
      orgs,
    };
  }
}
