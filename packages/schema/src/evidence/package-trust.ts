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
