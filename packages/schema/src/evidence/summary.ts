import { z } from "zod";
import { criterionStatus, evidenceStrength, periodSchema, sha256Hex, timestamp } from "./common.ts";
import { merkleSchema, previousSchema, signingSchema } from "./package-trust.ts";

/** One file of the package, as listed in the manifest. */
export const manifestEntrySchema = z.object({
  file: z.string(),
  media_type: z.enum(["application/json", "text/csv"]),
  bytes: z.int(),
  sha256: sha256Hex,
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

/**
 * `summary.json`: written last in every package (JSON or CSV format); its `manifest` lists every
 * other file with size and SHA-256, so a package is complete only when the manifest matches.
 */
export const summarySchema = z.object({
  generator: z.object({ name: z.string(), version: z.string() }),
  format: z.enum(["json", "csv"]),
  period: periodSchema,
  source: z.object({
    type: z.enum(["jsonl", "postgres"]),
    location: z.string(),
    org_id: z.string().nullable(),
  }),
  generated_at: timestamp,
  criteria: z.array(
    z.object({
      criterion: z.string(),
      title: z.string(),
      file: z.string(),
      status: criterionStatus,
      evidence_strength: evidenceStrength,
      missing_inputs: z.array(z.string()),
      headline: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
    }),
  ),
  integrity: z.object({
    file: z.string(),
    verified: z.boolean(),
    total_events: z.int(),
    findings: z.int(),
    chain_head: z.string().nullable(),
  }),
  unrecognised_records: z.object({ total: z.int(), kinds: z.record(z.string(), z.int()) }),
  // Absent in packages exported before signatures, Merkle roots and series existed.
  signing: signingSchema.nullable().optional(),
  merkle: merkleSchema.nullable().optional(),
  previous: previousSchema.nullable().optional(),
  manifest: z.array(manifestEntrySchema),
});
export type EvidenceSummary = z.infer<typeof summarySchema>;
