import { z } from "zod";
import { sha256Hex, timestamp } from "./common.ts";
import { merkleSchema } from "./package-trust.ts";

const findingKind = z
  .enum([
    "malformed",
    "hash_mismatch",
    "link_break",
    "genesis_missing",
    "truncated_tail",
    "timestamp_regression",
  ])
  .describe(
    "`malformed`: a line that is not a JSON object with string `hash` and `prev_hash` (error); `hash_mismatch`: a line whose content does not hash to its `hash`, i.e. edited (error); `link_break`: a line whose `prev_hash` is not the previous event's `hash`, i.e. an event deleted, inserted or reordered before it (error); `genesis_missing`: the chain does not start at `genesis` and no trusted checkpoint anchors it, or the given checkpoint is not in the log (error); `truncated_tail`: an incomplete last line of the newest file, a crash mid-write or a live log (warning); `timestamp_regression`: a timestamp earlier than the previous event's (warning).",
  );

/** One thing the chain verifier found, with where and both values. */
export const chainFindingSchema = z.object({
  kind: findingKind,
  severity: z
    .enum(["error", "warning"])
    .describe("`error`: the chain does not verify; `warning`: worth reading, but the chain still verifies."),
  file: z.string().describe("The audit log file (or database segment) of the line, as in `files[].path`."),
  line: z
    .int()
    .describe("1-based line number in that file (for PostgreSQL, the row's ordinal in the stream)."),
  expected: z
    .string()
    .nullable()
    .describe(
      "What the chain required: the stored `hash` (`hash_mismatch`), the previous event's hash (`link_break`), `genesis` or the checkpoint's hash (`genesis_missing`); `null` otherwise.",
    ),
  actual: z
    .string()
    .nullable()
    .describe(
      "What the line holds or hashes to: its hash recomputed with the hash value blanked (`hash_mismatch`; `null` when only the other recipe matches), the line's `prev_hash` (`link_break`, `genesis_missing`), the out-of-order time (`timestamp_regression`), the stored hash of a `malformed` line when it has one; `null` otherwise.",
    ),
  message: z.string().describe("One sentence for a person."),
});

const chainFileSchema = z.object({
  path: z
    .string()
    .describe(
      "The file's path relative to the audit log folder, or the database segment's name (`postgres:<table>?org_id=<org>`).",
    ),
  compressed: z.boolean().describe("`true` for a gzip-compressed rotated file (`.jsonl.gz`)."),
  bytes: z.int().describe("The file's size in bytes as stored (compressed size for a `.gz` file)."),
  sha256: z
    .string()
    .describe("Lowercase hex SHA-256 of the file's bytes as stored (compressed, for a `.gz` file)."),
  events: z.int().describe("Well-formed events (lines with `hash` and `prev_hash`) in this file."),
  first_hash: z
    .string()
    .nullable()
    .describe("`hash` of the file's first well-formed event; `null` when it holds none."),
  last_hash: z
    .string()
    .nullable()
    .describe("`hash` of the file's last well-formed event; `null` when it holds none."),
  first_prev_hash: z
    .string()
    .nullable()
    .describe(
      "`prev_hash` of the file's first event: `genesis`, or the previous file's `last_hash` when the files link up; `null` when it holds none.",
    ),
  // Absent for a file read from its start.
  read_from_line: z
    .int()
    .min(2)
    .optional()
    .describe(
      "Set when the export resumed after a checkpoint inside this file: the first line read. `events`, `first_hash` and `first_prev_hash` then describe the lines from there on, and `bytes` and `sha256` the stored bytes from there on (the whole compressed file for a `.gz` file, which is inflated from its start).",
    ),
});

/** `audit-log-integrity.json`: the chain verifier's full result. */
export const auditLogIntegritySchema = z
  .object({
    algorithm: z.literal("sha256").describe("The hash function of the chain: always `sha256`."),
    recipe: z.string().describe("How each event's `hash` is computed, in words."),
    hash_mode: z
      .enum(["blank", "omit"])
      .describe(
        'How the writer hashed, detected from the first event that matches either and then held for the whole chain: `blank` with `"hash":""` in place, `omit` with the `hash` member left out (`blank` when no event matched either).',
      ),
    verified: z
      .boolean()
      .describe(
        "`true` when the chain holds at least one event and no error-level finding (warnings do not count); also requires any non-empty export ledger read with it to verify.",
      ),
    verified_at: timestamp.describe(
      "When the chain was verified (the export's clock), RFC 3339 UTC with milliseconds.",
    ),
    anchor: z
      .object({
        type: z
          .enum(["genesis", "checkpoint", "none"])
          .describe(
            "What the chain is proven from: `genesis` (its first event's `prev_hash` is `genesis`), `checkpoint` (a trusted checkpoint given to the export), `none` (neither: see the `genesis_missing` finding).",
          ),
        hash: z
          .string()
          .nullable()
          .describe("The trusted checkpoint's event hash; `null` unless `type` is `checkpoint`."),
        events_before: z
          .int()
          .describe(
            "Events vouched for by the checkpoint instead of re-hashed: when the log still holds the checkpoint, the events up to and including it (they are counted in `total_events`); when the log starts after it, the checkpoint's own count of earlier events (they are not); 0 for `genesis` and `none`.",
          ),
        // Absent in packages exported before checkpoints existed.
        checkpoint_sha256: sha256Hex
          .nullable()
          .optional()
          .describe(
            "SHA-256 of the `checkpoint.json` the export resumed from (it read only the log after the checkpoint's line); `null` when it read the log from its start.",
          ),
      })
      .describe("Where the chain's proof starts."),
    total_events: z
      .int()
      .describe(
        "Well-formed events (lines with `hash` and `prev_hash`) in the whole audit log read, every period included; malformed lines and an incomplete last line are not counted, nor are the events of an export ledger.",
      ),
    chain_head: z
      .string()
      .nullable()
      .describe(
        "`hash` of the audit log's last well-formed event in chain order; `null` when it holds none.",
      ),
    // Absent in packages exported before the Merkle tree existed.
    merkle: merkleSchema
      .nullable()
      .optional()
      .describe(
        "The RFC 6962 Merkle tree over the period's events (leaf: SHA-256 of 0x00 and the 32 bytes of each event's `hash`), with the chain positions of its first and last events.",
      ),
    files: z
      .array(chainFileSchema)
      .describe(
        "Every file read, in chain order (found by following `prev_hash`, never by name); the audit log's files first, then any export ledger's.",
      ),
    finding_counts: z
      .record(z.string(), z.int())
      .describe("Number of findings by `kind`, listed or not; a kind with none is absent."),
    findings: z
      .array(chainFindingSchema)
      .describe(
        "The findings in the order found; at most 1,000 are listed per chain read (audit log, export ledger), the rest only counted.",
      ),
    findings_omitted: z.int().describe("Findings counted in `finding_counts` but not listed in `findings`."),
  })
  .describe(
    "`audit-log-integrity.json`: the hash chain verifier's full result over the whole audit log read (not only the period): files in chain order with their SHA-256, every finding, and where the proof starts.",
  );
export type AuditLogIntegrity = z.infer<typeof auditLogIntegritySchema>;
export type ChainFinding = z.infer<typeof chainFindingSchema>;
