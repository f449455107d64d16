import { z } from "zod";
import { timestamp } from "./common.ts";
import { merkleSchema } from "./package-trust.ts";

export const findingKind = z.enum([
  "malformed",
  "hash_mismatch",
  "link_break",
  "genesis_missing",
  "truncated_tail",
  "timestamp_regression",
]);

/** One thing the chain verifier found, with where and both values. */
export const chainFindingSchema = z.object({
  kind: findingKind,
  severity: z.enum(["error", "warning"]),
  file: z.string(),
  line: z.int(),
  expected: z.string().nullable(),
  actual: z.string().nullable(),
  message: z.string(),
});

export const chainFileSchema = z.object({
  path: z.string(),
  compressed: z.boolean(),
  bytes: z.int(),
  sha256: z.string(),
  events: z.int(),
  first_hash: z.string().nullable(),
  last_hash: z.string().nullable(),
  first_prev_hash: z.string().nullable(),
});

/** `audit-log-integrity.json`: the chain verifier's full result. */
export const auditLogIntegritySchema = z.object({
  algorithm: z.literal("sha256"),
  recipe: z.string(),
  hash_mode: z.enum(["blank", "omit"]),
  verified: z.boolean(),
  verified_at: timestamp,
  anchor: z.object({
    type: z.enum(["genesis", "checkpoint", "none"]),
    hash: z.string().nullable(),
    events_before: z.int(),
  }),
  total_events: z.int(),
  chain_head: z.string().nullable(),
  /** The period's events as an RFC 6962 Merkle tree (absent in packages exported before it existed). */
  merkle: merkleSchema.nullable().optional(),
  files: z.array(chainFileSchema),
  finding_counts: z.record(z.string(), z.int()),
  findings: z.array(chainFindingSchema),
  findings_omitted: z.int(),
});
export type AuditLogIntegrity = z.infer<typeof auditLogIntegritySchema>;
export type ChainFinding = z.infer<typeof chainFindingSchema>;
