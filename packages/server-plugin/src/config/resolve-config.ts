import type { KeyObject } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";
import { isComplianceError, readPrivateKey } from "@iddio-compliance/core";
import { complianceConfigSchema, formatKeyPath } from "@iddio-compliance/schema";
import { isPostgresUrl, validateOrgId } from "@iddio-compliance/source-postgres";
import { ComplianceConfigError, type ConfigIssue } from "../errors/config-error.ts";
import { createCronSchedule, isValidTimeZone } from "./cron-schedule.ts";
import { type S3StorageConfig, s3StorageConfigSchema } from "./s3-config.ts";
import { expandPath, parseStorageUrl, type StorageTarget } from "./storage-url.ts";

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
  /** Environment for defaults (`IDDIO_HOME`). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** S3 settings given in code; config keys win. */
  s3?: S3StorageConfig;
  /** State directory given in code; `compliance.state_dir` wins. */
  stateDir?: string;
}

const HOUR_MS = 3_600_000;

// Known keys come from the schema itself, so a key added there is accepted here at once.
const TOP_KEYS = Object.keys(complianceConfigSchema.shape);
const AUTO_EXPORT_KEYS = [...Object.keys(complianceConfigSchema.shape.auto_export.unwrap().shape), "s3"];

/** A key path under the `compliance` block, written as core writes key paths. */
function pathOf(parts: readonly PropertyKey[]): string {
  return formatKeyPath(["compliance", ...parts]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates the `compliance` block of the whole server config with `complianceConfigSchema` plus
 * what zod cannot see (cron syntax, time zones, storage URLs, unknown keys) and fills defaults.
 * Throws a {@link ComplianceConfigError} naming every invalid key; values that could be secrets are
 * never echoed. A config without a `compliance` block, or with `enabled: false`, resolves disabled.
 */
export function resolveComplianceConfig(
  serverConfig: unknown,
  options: ResolveConfigOptions = {},
): ResolvedComplianceConfig {
  const env = options.env ?? process.env;
  if (serverConfig !== undefined && serverConfig !== null && !isRecord(serverConfig)) {
    throw new ComplianceConfigError([{ path: "(root)", message: "the server config must be a mapping" }]);
  }
  const raw = serverConfig?.compliance;
  const home = expandPath(env.IDDIO_HOME || join(homedir(), ".iddio"));
  const disabled: ResolvedComplianceConfig = {
    enabled: false,
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
  // Disabled means loaded and inert: a half-written block must not stop the server.
  if (raw === undefined || raw === null || (isRecord(raw) && raw.enabled === false)) return disabled;

  const parsed = complianceConfigSchema.safeParse(raw);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
  issues.push(...unknownKeys(raw));
  // Checks zod cannot express run on the raw values too, so one pass reports every bad key.
  const rawAe = isRecord(raw) && isRecord(raw.auto_export) ? raw.auto_export : {};
  const str = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);
  const rootZone = str(isRecord(raw) ? raw.timezone : undefined, "UTC");
  const aeZone = str(rawAe.timezone, rootZone);
  if (!isValidTimeZone(rootZone))
    issues.push({ path: "compliance.timezone", message: `unknown time zone "${rootZone}"` });
  if (rawAe.timezone !== undefined && !isValidTimeZone(aeZone)) {
    issues.push({ path: "compliance.auto_export.timezone", message: `unknown time zone "${aeZone}"` });
  }
  const schedule = str(rawAe.schedule, "0 0 1 * *");
  if (isValidTimeZone(aeZone)) {
    try {
      createCronSchedule(schedule, aeZone);
    } catch {
      issues.push({
        path: "compliance.auto_export.schedule",
        message: `invalid cron expression "${schedule}"`,
      });
    }
  }
  const storage = typeof rawAe.storage === "string" ? parseStorageUrl(rawAe.storage) : undefined;
  if (storage && "error" in storage)
    issues.push({ path: "compliance.auto_export.storage", message: storage.error });
  const s3 = s3StorageConfigSchema.safeParse(rawAe.s3 ?? {});
  if (!s3.success) {
    for (const i of s3.error.issues)
      issues.push({ path: pathOf(["auto_export", "s3", ...i.path]), message: i.message });
  }
  if (!parsed.success) throw new ComplianceConfigError(issues);
  const config = parsed.data;

  let signingKey: KeyObject | undefined;
  if (config.signing) {
    try {
      signingKey = readPrivateKey(config.signing.key, "compliance.signing.key");
    } catch (error) {
      if (!isComplianceError(error)) throw error;
      // The value may be key material: the message says what is wrong, never what was given.
      issues.push({
        path: "compliance.signing.key",
        message:
          "not a readable Ed25519 private key (a PEM file path, or PEM text from ${VAR}; see iddio-compliance keygen)",
      });
    }
  }

  let autoExport: ResolvedAutoExport | undefined;
  if (config.auto_export && storage && !("error" in storage) && s3.success) {
    const ae = config.auto_export;
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
      s3: { ...options.s3, ...s3.data },
    };
  }

  const names = new Set<string>();
  const connectors = config.connectors.map((entry, i) => {
    const name = entry.name ?? entry.type;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      issues.push({
        path: `compliance.connectors[${i}].name`,
        message: "use letters, digits, dot, dash or underscore",
      });
    } else if (names.has(name)) {
      issues.push({
        path: `compliance.connectors[${i}].name`,
        message: `another connector is already named "${name}"; give each a distinct name`,
      });
    }
    names.add(name);
    return { type: entry.type, name, config: entry };
  });

  const postgres = config.source.postgres ? resolvePostgres(config.source.postgres, issues) : undefined;
  if (issues.length > 0) throw new ComplianceConfigError(issues);

  const auditLog = config.source.postgres ? undefined : expandPath(config.source.audit_log ?? home);
  return {
    enabled: true,
    source: config.source.postgres ? config.source.postgres.url : (auditLog ?? home),
    auditLog,
    postgres,
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

/** Checks `source.postgres`: a postgres:// URL (never echoed) and valid, distinct organisation ids. */
function resolvePostgres(
  pg: { url: string; org_id: string | string[] },
  issues: ConfigIssue[],
): { url: string; orgIds: string[] } {
  if (!isPostgresUrl(pg.url))
    issues.push({
      path: "compliance.source.postgres.url",
      message: "expected a postgres:// or postgresql:// URL",
    });
  const list = typeof pg.org_id === "string" ? [pg.org_id] : pg.org_id;
  const orgIds: string[] = [];
  for (const [i, id] of list.entries()) {
    const path =
      typeof pg.org_id === "string"
        ? "compliance.source.postgres.org_id"
        : `compliance.source.postgres.org_id[${i}]`;
    try {
      orgIds.push(validateOrgId(id, path));
    } catch (error) {
      issues.push({ path, message: (error as Error).message.replace(`${path}: `, "") });
      continue;
    }
    if (orgIds.indexOf(id) !== orgIds.length - 1) {
      orgIds.pop();
      issues.push({ path, message: `organisation "${id}" is listed twice` });
    }
  }
  return { url: pg.url, orgIds };
}

// The schema strips unknown keys silently; a typo like `auto_exprot` must not be ignored.
function unknownKeys(raw: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (!isRecord(raw)) return out;
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key)) out.push({ path: `compliance.${key}`, message: "unknown key" });
  }
  if (isRecord(raw.auto_export)) {
    for (const key of Object.keys(raw.auto_export)) {
      if (!AUTO_EXPORT_KEYS.includes(key))
        out.push({ path: `compliance.auto_export.${key}`, message: "unknown key" });
    }
  }
  return out;
}
