import { z } from "zod";
import { periodSchema, sha256Hex } from "./common.ts";

/** An event's place in the chain: its 0-based index from genesis and its `hash`. */
export const chainPositionSchema = z.object({
  index: z.int().min(0).describe("0-based position of the event in the chain, counted from genesis"),
  hash: z.string().describe("the event's `hash` value"),
});

/**
 * The RFC 6962 Merkle tree over the period's events: leaf data is the 32 bytes of each event's
 * `hash`, leaves in chain order. `first` and `last` are null when the period holds no event.
 */
export const merkleSchema = z.object({
  algorithm: z.literal("rfc6962-sha256").describe("RFC 6962 Merkle Tree Hash with SHA-256"),
  root: sha256Hex.describe("the Merkle Tree Hash of the period's events (SHA-256 of nothing when none)"),
  size: z.int().min(0).describe("number of leaves: the period's events"),
  first: chainPositionSchema
    .extend({ prev_hash: z.string().describe("the first event's `prev_hash`: the hash it links to") })
    .nullable()
    .describe("the period's first event"),
  last: chainPositionSchema.nullable().describe("the period's last event"),
});
export type MerkleSummary = z.infer<typeof merkleSchema>;

/** Who signed `summary.json`: the detached signature is `summary.json.sig` (64 raw bytes). */
export const signingSchema = z.object({
  algorithm: z.literal("ed25519").describe("Ed25519 (RFC 8032) over the exact bytes of summary.json"),
  key_id: sha256Hex.describe("SHA-256 of the signing key's DER SubjectPublicKeyInfo"),
});
export type SigningSummary = z.infer<typeof signingSchema>;

/** The package this one follows in a series. */
export const previousSchema = z.object({
  period: periodSchema.describe("the predecessor's period"),
  summary_sha256: sha256Hex.describe("SHA-256 of the predecessor's summary.json bytes"),
  chain_head: z
    .string()
    .nullable()
    .describe("`hash` of the last event through the predecessor's period end (null: no event yet)"),
  events_through: z.int().min(0).describe("number of chain events through the predecessor's period end"),
});
export type PreviousPackage = z.infer<typeof previousSchema>;

/** One drawn item of a sample: the evidence row, the original log line and its inclusion proof. */
export const sampleItemSchema = z.object({
  draw: z.int().min(1).describe("1-based order in which the item was drawn"),
  position: z.int().min(0).describe("0-based position of the item in the population"),
  event_index: z.int().min(0).describe("0-based position of the item's event in the chain, from genesis"),
  leaf_index: z.int().min(0).describe("0-based position of the event in the period's Merkle tree"),
  file: z.string().describe("the log file holding the line"),
  line: z.int().min(1).describe("1-based line number in that file"),
  log_line: z.string().describe("the original log line, without its newline"),
  event_hash: z.string().describe("the line's `hash` value"),
  leaf_hash: sha256Hex.describe("RFC 6962 leaf hash: SHA-256(0x00 || the 32 bytes of event_hash)"),
  proof: z.array(sha256Hex).describe("RFC 6962 audit path from the leaf to the Merkle root, bottom-up"),
  evidence: z.unknown().describe("the item as the package shows it (its row, or the event itself)"),
});

/** A sample file written by `iddio-compliance draw`. */
export const sampleFileSchema = z.object({
  sample: z.object({
    algorithm: z
      .literal("iddio-compliance-sample/v1")
      .describe("the selection algorithm (docs/verifying-evidence.md)"),
    population: z.string().describe("what was sampled"),
    population_source: z.string().describe("where the population's items are"),
    population_size: z.int().min(0),
    size: z.int().min(0).describe("items asked for"),
    seed: z.string(),
    key: sha256Hex.describe("SHA-256 of the algorithm, population, summary digest and seed"),
    package: z.object({
      period: periodSchema,
      summary_sha256: sha256Hex,
      merkle_root: sha256Hex,
      merkle_size: z.int().min(0),
      first_index: z.int().min(0).nullable(),
      hash_mode: z
        .enum(["blank", "omit"])
        .describe("how the log's writer hashed: with the hash blanked, or the member left out"),
    }),
    drawn_at: z.string(),
  }),
  items: z.array(sampleItemSchema),
});
export type SampleFile = z.infer<typeof sampleFileSchema>;
