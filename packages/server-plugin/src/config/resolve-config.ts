import type { KeyObject } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  type Env,
  isComplianceError,
  parseServerConfigObject,
  readPrivateKey,
  ServerConfigError,
} from "@iddio-compliance/core";
import { type ComplianceConfig, parseStorageLocation, type S3StorageConfig } from "@iddio-compliance/schema";
import { expandPath, type StorageTarget, storageTarget } from "./storage-url.ts";

/** The period an export covers, relative to the moment the schedule fires. */
export type PeriodKind = "previous_month" | "previous_quarter" | "previous_day" | "since_last_export";

/** One entry of `compliance.connectors`, as written (validated by its connector). */
export interface ConnectorEntry {
  type: string;
  /** Instance name: config `name`, else `type`. */
  name: string;
  /** The whole entry, secrets included; never log it. */
  config: Readonly<Record<string, unknown>>;
}

/** `compliance.auto_export`, validated and defaulted. */
export interface ResolvedAutoExport {
  enabled: boolean;
  schedule: string;
  /** `auto_export.timezone`, else `compliance.timezone`. */
  timeZone: string;
  period: PeriodKind;
  format: "json" | "csv";
  /** Months of packages to keep; `undefined` keeps everything. */
  retentionMonths: number | undefined;
  /** `auto_export.backfill_from`: on a fresh state, periods from this date on are owed. */
  backfillFrom: string | undefined;
  storage: StorageTarget;
  /** `compliance.signing.key`, read: every package is signed with it. Never logged. */
  signingKey: KeyObject | undefined;
  /** Redacted storage URL for logs and the ledger. */
  storageUrl: string;
  s3: S3StorageConfig;
}

/** The `compliance` block the plugin runs on. */
export interface ResolvedComplianceConfig {
  enabled: boolean;
  /** The parsed block, `${VAR}` resolved: secrets included, never log it (the redactor reads it). */
  compliance: ComplianceConfig | undefined;
  /** Audit log path (iddio home, folder or file) or PostgreSQL URL handed to the exporter. */
  source: string;
  /** The audit log path when the source is files (the sidecar tails it). */
  auditLog: string | undefined;
  /** `source.postgres`: the database URL (holds the password: never log it) and the organisations, one package each. */
  postgres: { url: string; orgIds: string[] } | undefined;
  timeZone: string;
  stateDir: string;
  listen: string | undefined;
  autoExport: ResolvedAutoExport | undefined;
  connectors: ConnectorEntry[];
  /** `outbox.alert_after_hours` in ms: a push pending this long is reported stalled. */
  outbox: { alertAfterMs: number };
  /** `drain_timeout_seconds` in ms, when set. */
  drainTimeoutMs: number | undefined;
}

/** Inputs besides the server config. */
export interface ResolveConfigOptions {
  /** Environment for `${VAR}` and defaults (`IDDIO_HOME`). @default process.env */
  env?: Env;
  /** The config file, named in errors. */
  file?: string;
  /** S3 settings given in code; config keys win. */
  s3?: S3StorageConfig;
  /** State directory given in code; `compliance.state_dir` wins. */
  stateDir?: string;
}

const HOUR_MS = 3_600_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The plugin's view of the whole server config: the `compliance:` block goes through the one
 * pipeline every entry point shares (`parseServerConfigObject` of core: `${VAR}` from `env`, then
 * the schema's strict parse, so a misspelled key is an error naming it), then paths are resolved
 * and defaults filled. Throws core's `ServerConfigError` naming every invalid key. A config
 * without a `compliance` block, or with `enabled: false`, resolves disabled.
 */
export function resolveComplianceConfig(
  serverConfig: unknown,
  options: ResolveConfigOptions = {},
): ResolvedComplianceConfig {
  const env = options.env ?? process.env;
  const raw = isRecord(serverConfig) ? serverConfig.compliance : undefined;
  const home = expandPath(env.IDDIO_HOME || join(homedir(), ".iddio"));
  // Disabled means loaded and inert: a half-written block must not stop the server.
  if (raw === undefined || raw === null || (isRecord(raw) && raw.enabled === false)) {
    return {
      enabled: false,
      compliance: undefined,
      source: home,
      auditLog: home,
      postgres: undefined,
      timeZone: "UTC",
      stateDir: join(home, "compliance"),
      listen: undefined,
      autoExport: undefined,
      connectors: [],
      outbox: { alertAfterMs: 24 * HOUR_MS },
      drainTimeoutMs: undefined,
    };
  }
  const { compliance: config } = parseServerConfigObject(serverConfig, {
    env,
    ...(options.file ? { file: options.file } : {}),
  });

  let signingKey: KeyObject | undefined;
  if (config.signing) {
    try {
      signingKey = readPrivateKey(config.signing.key, "compliance.signing.key");
    } catch (error) {
      if (!isComplianceError(error)) throw error;
      // The value may be key material: the message says what is wrong, never what was given.
      const path = "compliance.signing.key";
      const message =
        "not a readable Ed25519 private key (a PEM file path, or PEM text from ${VAR}; see iddio-compliance keygen)";
      throw new ServerConfigError(
        "CONFIG_INVALID",
        `${options.file ? `${options.file}: ` : ""}${path}: ${message}`,
        {
          ...(options.file ? { file: options.file } : {}),
          keyPath: path,
          issues: [{ path, message }],
        },
      );
    }
  }

  let autoExport: ResolvedAutoExport | undefined;
  if (config.auto_export) {
    const ae = config.auto_export;
    const location = parseStorageLocation(ae.storage);
    if ("error" in location)
      throw new Error(`unreachable: the schema checked the storage URL (${location.error})`);
    const storage = storageTarget(location);
    autoExport = {
      enabled: ae.enabled,
      schedule: ae.schedule,
      timeZone: ae.timezone ?? config.timezone,
      period: ae.period,
      format: ae.format,
      retentionMonths: ae.retention,
      backfillFrom: ae.backfill_from,
      storage,
      signingKey,
      storageUrl:
        storage.kind === "s3" ? `s3://${storage.bucket}/${storage.prefix}` : `file://${storage.dir}`,
      s3: { ...options.s3, ...ae.s3 },
    };
  }
  const connectors = config.connectors.map((entry) => ({
    type: entry.type,
    name: entry.name ?? entry.type,
    config: entry,
  }));
  const pg = config.source.postgres;
  const auditLog = pg ? undefined : expandPath(config.source.audit_log ?? home);
  return {
    enabled: true,
    compliance: config,
    source: pg ? pg.url : (auditLog ?? home),
    auditLog,
    postgres: pg
      ? { url: pg.url, orgIds: typeof pg.org_id === "string" ? [pg.org_id] : pg.org_id }
      : undefined,
    timeZone: config.timezone,
    stateDir: expandPath(config.state_dir ?? options.stateDir ?? join(home, "compliance")),
    listen: config.listen,
    autoExport,
    connectors,
    outbox: { alertAfterMs: config.outbox.alert_after_hours * HOUR_MS },
    drainTimeoutMs:
      config.drain_timeout_seconds === undefined ? undefined : config.drain_timeout_seconds * 1000,
  };
}
