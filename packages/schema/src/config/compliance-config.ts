import { z } from "zod";

const criterionKey = z.enum(["CC6.1", "CC6.2", "CC6.3", "CC7.2", "summary", "integrity"]);

export const vantaConnectorConfig = z.object({
  type: z.literal("vanta"),
  name: z.string().optional(),
  base_url: z.url().optional(),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  documents: z.partialRecord(criterionKey, z.string().min(1)),
  submit: z.boolean().optional(),
});

export const drataConnectorConfig = z.object({
  type: z.literal("drata"),
  name: z.string().optional(),
  base_url: z.url().optional(),
  api_key: z.string().min(1),
  region: z.enum(["us", "eu", "apac"]).default("us"),
  workspace_id: z.union([z.int(), z.string()]),
  control_ids: z.partialRecord(criterionKey, z.array(z.int())),
});

export const webhookConnectorConfig = z.object({
  type: z.literal("webhook"),
  name: z.string().optional(),
  url: z.url(),
  secret: z.string().min(1),
  inline_max_bytes: z.int().positive().optional(),
});

/** One entry of `compliance.connectors`: a known type, or a third-party type with its own keys. */
export const connectorConfigSchema = z.looseObject({ type: z.string().min(1), name: z.string().optional() });

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
      period: z.enum(["previous_month", "previous_quarter", "previous_day", "since_last_export"]).default("previous_month"),
      format: z.enum(["json", "csv"]).default("json"),
      retention: z.int().positive().optional(),
      storage: z.string().min(1),
      timezone: z.string().optional(),
    })
    .optional(),
  connectors: z.array(connectorConfigSchema).default([]),
  state_dir: z.string().optional(),
  listen: z.string().optional(),
});
export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;
