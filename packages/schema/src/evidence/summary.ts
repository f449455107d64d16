import { z } from "zod";
import {
  criterionStatus,
  evidenceStrength,
  periodSchema,
  reasonSchema,
  sha256Hex,
  timestamp,
} from "./common.ts";
import { merkleSchema, previousSchema, signingSchema } from "./package-trust.ts";

/** One file of the package, as listed in the manifest. */
export const manifestEntrySchema = z.object({
  file: z.string().describe("The file's name inside the package folder."),
  media_type: z
    .enum(["application/json", "text/csv", "text/html"])
    .describe(
      "`application/json` for a JSON document, `text/csv` for a CSV table, `text/html` for `report.html`.",
    ),
  bytes: z.int().describe("The file's size in bytes, as written."),
  sha256: sha256Hex.describe("Lowercase hex SHA-256 of the file's bytes, as written."),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

/**
 * `summary.json`: written last in every package (JSON or CSV format); its `manifest` lists every
 * other file with size and SHA-256, so a package is complete only when the manifest matches.
 */
export const summarySchema = z
  .object({
    generator: z
      .object({
        name: z.string().describe("Name of the program that wrote the package (`iddio-compliance`)."),
        version: z.string().describe("Version of that program."),
      })
      .describe("The program that wrote this package."),
    format: z
      .enum(["json", "csv"])
      .describe(
        "`json`: the criterion files are JSON documents; `csv`: they are CSV tables, with each list in a CSV file of its own (`summary.json` is JSON in both).",
      ),
    period: periodSchema,
    source: z
      .object({
        type: z
          .enum(["jsonl", "postgres"])
          .describe(
            "`jsonl`: the audit log files (`audit*.jsonl`, `audit*.jsonl.gz`) of an iddio home; `postgres`: the enterprise server's `audit_events` table.",
          ),
        location: z
          .string()
          .describe(
            "Where the audit log was read: the path given to `--source`, or the PostgreSQL URL with its password replaced by `***`.",
          ),
        org_id: z
          .string()
          .nullable()
          .describe("The organisation whose audit events were read (PostgreSQL source); `null` for files."),
      })
      .describe("The audit log this package was exported from."),
    generated_at: timestamp.describe(
      "When the package was exported (the export's clock), RFC 3339 UTC with milliseconds.",
    ),
    criteria: z
      .array(
        z.object({
          criterion: z.string().describe("The SOC 2 criterion, e.g. `CC6.1`."),
          title: z.string().describe("The criterion's title."),
          file: z
            .string()
            .describe("The criterion's file in this package, e.g. `cc6.1-access-controls.json`."),
          status: criterionStatus,
          evidence_strength: evidenceStrength,
          missing_inputs: z
            .array(z.string())
            .describe("The criterion file's `missing_inputs`: optional inputs that were absent."),
          reasons: z
            .array(reasonSchema)
            .describe(
              "The criterion file's `reasons`: why its status is not `ok` (empty exactly when it is `ok`), most severe first.",
            ),
          headline: z
            .record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))
            .describe(
              "The criterion's headline figures by name, each a copy of one figure of its file (e.g. CC6.3 `approval_wait_p95_ms` is `approvals.wait_ms.p95`, CC7.2 `chain_link_breaks` is `audit_log.gaps_detected`).",
            ),
        }),
      )
      .describe(
        "One entry per criterion file (CC6.1, CC6.2, CC6.3, CC7.2, in that order), repeating its status, strength, reasons and headline figures.",
      ),
    integrity: z
      .object({
        file: z
          .string()
          .describe("The chain verifier's file in this package (`audit-log-integrity.json` or `.csv`)."),
        verified: z
          .boolean()
          .describe(
            "`true` when the whole hash chain read verified: at least one event and no error-level finding.",
          ),
        chain_events: z
          .int()
          .describe(
            "Well-formed events in the whole hash chain read, every period included (`total_events` of the integrity file), not only this period's.",
          ),
        findings: z
          .int()
          .describe(
            "Findings of every kind and severity in the whole chain read, those omitted from the integrity file's list included.",
          ),
        chain_head: z
          .string()
          .nullable()
          .describe("Hex SHA-256 `hash` of the last event of the chain read; `null` when it holds none."),
      })
      .describe("The hash chain verdict, repeated from the integrity file."),
    unrecognised_records: z
      .object({
        total: z.int().describe("Number of records counted in `kinds`."),
        kinds: z
          .record(z.string(), z.int())
          .describe(
            "Records no criterion could read, by kind: an unknown lifecycle `event` value, or in parentheses `(record without a valid timestamp)`, `(line whose hash verifies but that is not a JSON record)` (both anywhere in the chain read), `(command event without agent, tier 0-4 or decision)` (in the period only).",
          ),
      })
      .describe("Records the export read but could not classify: counted here, never dropped silently."),
    // Absent in packages exported before signatures, Merkle roots and series existed.
    signing: signingSchema
      .nullable()
      .optional()
      .describe(
        "Who signed this file: `summary.json.sig` beside it is the Ed25519 signature of its exact bytes; `null` when the package is not signed.",
      ),
    merkle: merkleSchema
      .nullable()
      .optional()
      .describe("The RFC 6962 Merkle tree over the period's events (the same as in the integrity file)."),
    previous: previousSchema
      .nullable()
      .optional()
      .describe("The package of the period just before this one; `null` when none was given."),
    manifest: z
      .array(manifestEntrySchema)
      .describe(
        "Every other file of the package with its size and SHA-256 (`summary.json` itself excluded): the package is complete only when the folder matches it.",
      ),
  })
  .describe(
    "`summary.json`: the package's index, written last: the period and source, each criterion's status with its reasons and headline figures, the chain verdict, and the manifest of every other file.",
  );
export type EvidenceSummary = z.infer<typeof summarySchema>;
