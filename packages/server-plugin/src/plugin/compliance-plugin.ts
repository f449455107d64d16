import {
  collectSecrets,
  createRedactor,
  loadEvidencePackage,
  redactingLogger,
} from "@iddio-compliance/connector-sdk";
import type { S3StorageConfig } from "@iddio-compliance/schema";
import { GENERATOR } from "@iddio-compliance/schema";
import { type ResolvedComplianceConfig, resolveComplianceConfig } from "../config/resolve-config.ts";
import type { StorageTarget } from "../config/storage-url.ts";
import type { IddioServerHost, IddioServerPlugin } from "../host/host-types.ts";
import { LIFECYCLE_HOOKS, lifecycleKindOf } from "../host/lifecycle-hooks.ts";
import { type ConnectorFactory, connectorFactory } from "../outbox/connector-factory.ts";
import type { PackageLoader } from "../outbox/outbox-types.ts";
import { OrgRuntimeSet, type PluginRuntime } from "../postgres/org-runtimes.ts";
import { createStorage } from "../storage/create-storage.ts";
import type { EvidenceStorage } from "../storage/evidence-storage.ts";
import { type Clock, systemClock } from "../util/clock.ts";
import type { JobRetryOptions } from "../util/job-retry.ts";
import { coreExporter, type Exporter } from "./exporter.ts";
import { ComplianceRuntime, type PluginHealth } from "./plugin-runtime.ts";

/** Options of {@link compliancePlugin}; the server config's `compliance` block wins where both set a value. */
export interface CompliancePluginOptions {
  /** Environment for defaults (`IDDIO_HOME`). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** State folder (ledger, export state, outbox). @default `compliance.state_dir`, else `$IDDIO_HOME/compliance` */
  stateDir?: string;
  /** S3 connection settings until `auto_export.s3` is in the schema; config keys win. */
  s3?: S3StorageConfig;
  /** The clock for schedules, retries and timestamps. @default the system clock */
  clock?: Clock;
  /** Writes one evidence package. @default `exportEvidence` of `@iddio-compliance/core` */
  exporter?: Exporter;
  /** The config file the host read, named in config errors. */
  configFile?: string;
  /** Builds connector instances. @default `connectorFactory()`: the one loader, from the working directory */
  connectors?: ConnectorFactory;
  /** Reads a stored package for pushing. @default `loadEvidencePackage` of the connector SDK */
  loadPackage?: PackageLoader;
  /** Builds the storage for a target (`workDir`: local copies of packages being pushed). @default file:// and s3:// storage of this package */
  storage?: (target: StorageTarget, s3: S3StorageConfig, workDir: string) => EvidenceStorage;
  /** Backoff of failed exports and pushes. @default { baseDelayMs: 60_000, maxDelayMs: 3_600_000 } */
  retry?: JobRetryOptions;
  /** How long `server:close` lets an export or push in flight finish before aborting it. @default `compliance.drain_timeout_seconds`, else 30_000 */
  drainTimeoutMs?: number;
  /** How long a replica waits for another replica's run of the same period before looking again later. @default 600_000 */
  lockWaitMs?: number;
}

/** The plugin, plus what the sidecar and embedders read from it. */
export interface CompliancePlugin extends IddioServerPlugin {
  /** Prometheus text for `/metrics` (empty when disabled or not set up). */
  metrics(): string;
  /** Health for `/healthz`. */
  health(): PluginHealth | { status: "disabled" | "starting" };
  /** Resolves when no export or push is running or queued (tests, embedders). */
  whenIdle(): Promise<void>;
  /** The validated config, once set up. */
  readonly config: ResolvedComplianceConfig | undefined;
}

/**
 * The iddio-compliance server plugin (DESIGN §7): validates the `compliance` block, keeps the
 * hash-chained ledger of lifecycle hooks, exports on the cron schedule with catch-up, stores and
 * retains packages and pushes them through the outbox. With `enabled: false` it loads and does
 * nothing else. Setup throws core's `ServerConfigError` naming every invalid key.
 */
export function compliancePlugin(options: CompliancePluginOptions = {}): CompliancePlugin {
  let runtime: PluginRuntime | undefined;
  let resolved: ResolvedComplianceConfig | undefined;

  const plugin: CompliancePlugin = {
    name: GENERATOR.name,
    version: GENERATOR.version,
    get config() {
      return resolved;
    },
    async setup(host: IddioServerHost) {
      const resolveOptions = {
        env: options.env ?? process.env,
        s3: options.s3,
        stateDir: options.stateDir,
        ...(options.configFile ? { file: options.configFile } : {}),
      };
      resolved = resolveComplianceConfig(host.config, resolveOptions);
      const redactor = createRedactor([
        ...collectSecrets({ compliance: resolved.compliance }),
        ...collectSecrets(options.s3 ?? {}),
      ]);
      const logger = redactingLogger(host.logger, redactor);
      if (!resolved.enabled) {
        logger.info("iddio-compliance: disabled (compliance.enabled is false or the block is absent)");
        return;
      }
      const clock = options.clock ?? systemClock;
      const deps = {
        exporter: options.exporter ?? coreExporter,
        clock,
        connectorFactory: options.connectors ?? connectorFactory(),
        loadPackage: options.loadPackage ?? loadEvidencePackage,
        createStorage: options.storage ?? createStorage,
        redact: (text: string) => redactor.redact(text),
        logger,
        retry: options.retry,
        lockWaitMs: options.lockWaitMs,
      };
      // A PostgreSQL source runs one runtime per organisation (own state, ledger, storage prefix).
      const rt = resolved.postgres
        ? await OrgRuntimeSet.open(resolved, deps)
        : await ComplianceRuntime.open(resolved, deps);
      runtime = rt;

      host.hook("server:ready", () => rt.start());
      host.hook("server:close", async (state) => {
        const drain = AbortSignal.timeout(resolved?.drainTimeoutMs ?? options.drainTimeoutMs ?? 30_000);
        const signal = state.signal ? AbortSignal.any([state.signal, drain]) : drain;
        await rt.close(signal);
      });
      host.hook("config:reload", async (state) => {
        let next: ResolvedComplianceConfig;
        try {
          next = resolveComplianceConfig(state.config, resolveOptions);
        } catch (error) {
          logger.error("config reload rejected; the previous config stays in force", {
            error: (error as Error).message,
          });
          return;
        }
        for (const secret of collectSecrets({ compliance: next.compliance })) redactor.add(secret);
        if (!next.enabled) {
          logger.warn("config reload: disabling takes effect on restart");
          return;
        }
        resolved = next;
        await rt.reload(next);
        logger.info("config reloaded");
      });
      host.hook("audit:append", (state) => rt.audit(state.lines, state.file, state.org_id));
      for (const name of LIFECYCLE_HOOKS) {
        const kind = lifecycleKindOf(name);
        host.hook(name, (state: object) => rt.record(kind, state));
      }
      logger.info("iddio-compliance: set up", {
        state_dir: resolved.stateDir,
        auto_export: resolved.autoExport?.enabled ? resolved.autoExport.storageUrl : "off",
        connectors: resolved.connectors.map((c) => c.name),
      });
    },
    metrics: () => runtime?.metrics() ?? "",
    health: () => runtime?.health() ?? { status: resolved && !resolved.enabled ? "disabled" : "starting" },
    whenIdle: async () => {
      await runtime?.whenIdle();
    },
  };
  return plugin;
}
