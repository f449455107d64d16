import { z } from "zod";

/** The criterion keys a connector maps to remote ids (`documents`, `control_ids`). */
export const CRITERION_KEYS = ["CC6.1", "CC6.2", "CC6.3", "CC7.2", "summary", "integrity"] as const;

/**
 * One entry of `compliance.connectors`. Only `type` (and an optional `name`) is checked here; each
 * connector validates its own keys with the schema it declares to `defineConnector`.
 */
export const connectorConfigSchema = z.looseObject({ type: z.string().min(1), name: z.string().optional() });

/**
 * `compliance.auto_export.s3`: how to reach an S3-compatible store. Every key is optional; without
 * credentials the AWS default chain is used.
 */
export const s3StorageConfigSchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  region: z.string().min(1).optional(),
  force_path_style: z.boolean().optional(),
  access_key_id: z.string().min(1).optional(),
  secret_access_key: z.string().min(1).optional(),
  session_token: z.string().min(1).optional(),
});
export type S3StorageConfig = z.infer<typeof s3StorageConfigSchema>;

/** The `compliance:` block of the iddio server config (DESIGN §7.2). */
export const complianceConfigSchema = z.object({
  enabled: z.boolean().default(true),
  source: z
    .object({
      audit_log: z.string().optional(),
      postgres: z
        .object({
          url: z.string().min(1),
          org_id: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
        })
        .optional(),
    })
    .refine((s) => !(s.audit_log && s.postgres), { message: "set one of audit_log or postgres, not both" })
    .default({}),
  timezone: z.string().default("UTC"),
  auto_export: z
    .object({
      enabled: z.boolean().default(false),
      schedule: z.string().default("0 0 1 * *"),
      period: z
        .enum(["previous_month", "previous_quarter", "previous_day", "since_last_export"])
        .default("previous_month"),
      format: z.enum(["json", "csv"]).default("json"),
      retention: z.int().positive().optional(),
      /** On a fresh install, export every period from this date on (catch-up of history) instead of starting at the next fire. */
      backfill_from: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
        .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "not a calendar date")
        .optional(),
      storage: z.string().min(1),
      s3: s3StorageConfigSchema.optional(),
      timezone: z.string().optional(),
    })
    .optional(),
  /**
   * Sign every exported package: `key` is an Ed25519 private key (from `iddio-compliance keygen`),
   * as a file path or as PEM text from `${VAR}`. Each package gets `summary.json.sig`.
   */
  signing: z.strictObject({ key: z.string().min(1) }).optional(),
  connectors: z.array(connectorConfigSchema).default([]),
  /** The connector outbox: a push still pending `alert_after_hours` after it was queued degrades `/healthz`. */
  outbox: z
    .strictObject({ alert_after_hours: z.number().positive().default(24) })
    .default({ alert_after_hours: 24 }),
  /** On shutdown (SIGTERM), how long an export or push in flight may finish before it is aborted. */
  drain_timeout_seconds: z.number().positive().optional(),
  state_dir: z.string().optional(),
  listen: z.string().optional(),
});
export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;
