import { z } from "zod";
import { chainFindingSchema } from "./audit-log-integrity.ts";
import { periodSchema, sha256Hex, timestamp } from "./common.ts";

/** The format name every checkpoint file carries. */
export const CHECKPOINT_FORMAT = "iddio-compliance/checkpoint";

/** Where the checkpoint sits in the stored log: its line, found again by position and SHA-256. */
export const checkpointPositionSchema = z
  .object({
    segment: z
      .string()
      .describe(
        "The file holding the checkpoint's line, relative to the audit log folder (as in `files[].path` of the integrity file), or the database segment (`postgres:<table>?org_id=<org>`).",
      ),
    segment_first_hash: z
      .string()
      .nullable()
      .describe(
        "`hash` of the first well-formed event of that file: a rotated (renamed, gzipped) file is found again by it; `null` for a database segment or a file whose first lines hold no event.",
      ),
    line: z
      .int()
      .min(1)
      .describe(
        "1-based line number of the checkpoint's line in that file (for PostgreSQL, the row's ordinal in the organisation's stream).",
      ),
    line_sha256: sha256Hex.describe(
      "SHA-256 of the checkpoint's line as stored, without its newline: the next export reads the line there again and resumes only when it is unchanged.",
    ),
    line_start: z
      .int()
      .min(0)
      .nullable()
      .describe(
        "Byte offset of the line's first byte in the file (decompressed for a `.gz` file); `null` for a database segment.",
      ),
    offset: z
      .int()
      .min(0)
      .nullable()
      .describe(
        "Byte offset just past the line's newline (decompressed for a `.gz` file): where the next export starts reading; `null` for a database segment.",
      ),
    row_key: z
      .string()
      .nullable()
      .describe(
        "PostgreSQL: the sequence column's value of the checkpoint's row; the next export reads the rows after it (`seq > row_key`). `null` for files.",
      ),
  })
  .describe(
    "The last line read before the state was taken: the first line after it is the first event at or after `as_of` in chain order (or the end of the complete lines of the log).",
  );

/** The chain verifier's state at the checkpoint. */
export const checkpointChainSchema = z
  .object({
    events: z
      .int()
      .min(0)
      .describe(
        "Well-formed events in the chain up to and including the checkpoint's line: the chain index of the next event.",
      ),
    head: z
      .string()
      .nullable()
      .describe(
        "`hash` of the last well-formed event up to the checkpoint: the next event's `prev_hash` must equal it. `null` when there is none.",
      ),
    hash_mode: z
      .enum(["blank", "omit"])
      .nullable()
      .describe(
        'How the writer hashed, as detected so far (`blank`: with `"hash":""` in place, `omit`: with the member left out); `null` when no event matched either yet.',
      ),
    last_time_ms: z
      .number()
      .nullable()
      .describe(
        "The timestamp (ms since the epoch) of the last event with one: a later event earlier than it is a `timestamp_regression`. `null` when none had one.",
      ),
    linked: z
      .boolean()
      .describe("Whether the chain's first event has been read (its `prev_hash` judged against genesis)."),
    origin: z
      .object({
        type: z
          .enum(["genesis", "checkpoint", "none"])
          .describe(
            "What the chain up to the checkpoint was proven from: `genesis`, a trusted `checkpoint` anchor, or `none`.",
          ),
        hash: z.string().nullable().describe("The trusted anchor's hash when `type` is `checkpoint`."),
        events_before: z.int().min(0).describe("Events the anchor vouched for (0 for `genesis`)."),
      })
      .describe("Where the proof of the chain up to the checkpoint starts (the integrity file's `anchor`)."),
    errors: z
      .int()
      .min(0)
      .describe("Error-level findings up to the checkpoint: the chain verifies only while this is 0."),
    finding_counts: z
      .record(z.string(), z.int())
      .describe("Findings by kind up to the checkpoint, listed or not."),
    findings: z
      .array(chainFindingSchema)
      .describe("The findings listed up to the checkpoint (at most 1,000), carried into later exports."),
  })
  .describe(
    "The chain verifier's state at the checkpoint, so that a resumed export's integrity figures equal a full pass's.",
  );

/** A policy version as the export keeps it: a `policy.changed` record, its snapshot bounded. */
const checkpointPolicyVersionSchema = z.object({
  timestamp: timestamp.describe("The record's `timestamp`, in UTC as evidence writes it."),
  ms: z.number().describe("The same instant in ms since the epoch."),
  version: z.string().nullable().describe("The record's `version`."),
  sha256: z.string().nullable().describe("The record's `sha256` of the whole policy."),
  actor: z.string().nullable().describe("The record's `actor`."),
  snapshot: z.unknown().describe("The policy snapshot as evidence copies it (bounded: docs §4.6)."),
  snapshot_truncated: z
    .object({
      reason: z.enum(["depth", "size"]).describe("Which bound was hit."),
      max_depth: z.int().describe("The depth bound."),
      max_bytes: z.int().describe("The size bound."),
    })
    .nullable()
    .describe("How the snapshot was cut, or `null` when it is whole."),
});

const certStateSchema = z.object({
  serial: z.string().describe("Serial number, lowercase hex."),
  fingerprint: z.string().describe("SHA-256 of the DER bytes, lowercase hex."),
  spiffe_id: z.string().nullable().describe("SPIFFE id, when the record states one."),
  not_before: z.string().describe("Start of validity, as the record states it (UTC)."),
  not_after: z.string().describe("End of validity, as the record states it (UTC)."),
  source: z.enum(["file", "record"]).describe("Where the certificate was learnt (always `record` here)."),
  revoked: z.boolean().describe("Whether a `cert.revoked` record revoked it."),
  order: z.int().describe("The order in which certificates were read: ties of `not_before` go to the later."),
});

const tokenStateSchema = z.object({
  fingerprint: z.string().describe("`sha256:<hex>` of the token value (never the token)."),
  issued: z.string().nullable().describe("When it was issued, as a record states it."),
  issuedMs: z.number().nullable().describe("The same instant in ms since the epoch."),
  rotated: z.array(z.string()).describe("Timestamps of the rotations that replaced it."),
  endMs: z.number().nullable().describe("When it stopped being in force (rotated or revoked), ms."),
  revoked: z.string().nullable().describe("When it was revoked."),
  replaced_by: z.string().nullable().describe("The fingerprint of the token that replaced it."),
  status: z.enum(["active", "rotated", "revoked"]).describe("Its status as of the checkpoint."),
});

const escalationRequestSchema = z.object({
  timestamp: z.string().describe("The escalated command line's timestamp (UTC)."),
  request_id: z.string().nullable().describe("Its `request_id`."),
  agent: z.string().describe("The agent that made the request."),
  tier: z.int().describe("Its tier."),
  method: z.string().describe("Its method."),
  path: z.string().describe("Its path or command."),
  namespace: z.string().describe("Its namespace."),
  file: z.string().describe("The log file holding the line."),
  line: z.int().describe("Its line number there."),
});

const outcomeFactSchema = z.object({
  outcome: z.enum(["granted", "denied", "expired"]).describe("The outcome."),
  approver: z.string().nullable().describe("Who decided."),
  wait_ms: z.number().nullable().describe("How long the request waited."),
  decided_at: z.string().describe("When the outcome was decided (UTC)."),
  decidedMs: z.number().describe("The same instant in ms since the epoch."),
  source: z.enum(["command", "record"]).describe("Where the outcome was read."),
});

/** One escalation of the approval lookback before `as_of`, replayed into the next period's linking. */
export const checkpointEscalationSchema = z.union([
  z
    .object({
      ms: z.number().describe("When it was requested, ms since the epoch."),
      request_id: z.string().describe("Its `request_id`."),
      closed: z.literal(true).describe("It had an outcome before `as_of`."),
    })
    .describe(
      "An escalation decided before `as_of`: a later approval record for it repeats an outcome the period does not count.",
    ),
  z
    .object({
      ms: z.number().describe("When it was requested, ms since the epoch."),
      request: escalationRequestSchema.describe("The escalated request, as its command line states it."),
      on_line: outcomeFactSchema
        .nullable()
        .describe("The outcome its command line states (decided at or after `as_of`), or `null`."),
      closed_by_record: z
        .boolean()
        .describe("Whether an approval record before `as_of` followed its command line in the chain."),
    })
    .describe("An escalation without an outcome decided before `as_of`: the next period may resolve it."),
]);

/** What the mappers carry from the records before `as_of` into a later period (docs §4). */
export const checkpointStateSchema = z
  .object({
    unrecognised: z
      .array(z.tuple([z.string(), z.int()]))
      .describe(
        "Records counted under `unrecognised_records` anywhere in the chain (unknown lifecycle kinds, records without a valid timestamp, lines that are not JSON records), as `[kind, count]`.",
      ),
    policy: z
      .object({
        latest: checkpointPolicyVersionSchema
          .nullable()
          .describe("The policy in force: the latest `policy.changed` record before `as_of`."),
        records_seen: z.int().describe("`policy.changed` records read up to the checkpoint."),
      })
      .describe("The policy trail (CC6.1 snapshots, CC6.3 changes)."),
    cc61: z
      .object({
        created_identity: z
          .array(z.tuple([z.string(), z.string()]))
          .describe("`[agent, identity]` from each agent's latest `agent.created` record."),
        record_spiffe: z
          .array(z.tuple([z.string(), z.string()]))
          .describe("`[agent, spiffe_id]` from each agent's latest `cert.issued`/`cert.renewed` record."),
        token_agents: z.array(z.string()).describe("Agents a `token.issued`/`token.rotated` record names."),
      })
      .describe("CC6.1's identities as of `as_of`."),
    cc62: z
      .object({
        records_seen: z.int().describe("Credential records (`token.*`, `cert.*`, `jit.issued`) read."),
        order: z.int().describe("Certificates read so far (the next one's `order`)."),
        agents_by_end: z.array(z.string()).describe("Agents an `agent.created` record names."),
        agents: z
          .array(
            z.object({
              name: z.string().describe("The agent."),
              tokens: z.array(tokenStateSchema).describe("Its tokens, in the order first read."),
              certs: z.array(certStateSchema).describe("Its certificates, in the order first read."),
            }),
          )
          .describe("Each agent's credentials from the records, as of `as_of`."),
        proxy_latest: certStateSchema
          .nullable()
          .describe("The proxy's certificate from the latest `cert.*` record for `proxy`."),
      })
      .describe("CC6.2's credentials as of `as_of`."),
    cc63: z
      .object({
        lookback: z
          .array(checkpointEscalationSchema)
          .describe(
            "Escalations requested within the approval lookback (7 days) before `as_of`, in chain order.",
          ),
      })
      .describe("CC6.3's approval linking across the boundary."),
  })
  .describe(
    "The mappers' carried state: what a later period's evidence reads from records before it. CC7.2 carries nothing: its silent periods start at the period's start.",
  );

/** `checkpoint.json`: where a later export may resume reading, and the state it needs there. */
export const checkpointSchema = z
  .object({
    format: z.literal(CHECKPOINT_FORMAT).describe("Always `iddio-compliance/checkpoint`."),
    version: z.literal(1).describe("The checkpoint format's version; a reader refuses others."),
    period: periodSchema.describe("The period of the package this checkpoint was written with."),
    as_of: timestamp.describe(
      "The first instant after the period (RFC 3339 UTC): the state holds the records before it, up to `position`. A later export may resume from it only for a period starting at or after it.",
    ),
    source: z
      .object({
        type: z.enum(["jsonl", "postgres"]).describe("The kind of audit log read."),
        location: z.string().describe("Where it was read (a PostgreSQL password as `***`)."),
        org_id: z.string().nullable().describe("The organisation (PostgreSQL), or `null`."),
      })
      .describe("The audit log the checkpoint is a position in."),
    position: checkpointPositionSchema
      .nullable()
      .describe(
        "The checkpoint's line; `null` when nothing before `as_of` can be resumed from (no complete line read, or the checkpoint would fall inside a line too long to keep): a later export then reads the whole log.",
      ),
    chain: checkpointChainSchema,
    state: checkpointStateSchema,
  })
  .describe(
    "`checkpoint.json`: the chain position where this period ends (the last line before the first event at or after its end) and the verifier's and mappers' state there, so that the next export reads, verifies and maps only what follows (docs/data-contract.md §6).",
  );
export type Checkpoint = z.infer<typeof checkpointSchema>;
export type CheckpointPosition = z.infer<typeof checkpointPositionSchema>;
export type CheckpointState = z.infer<typeof checkpointStateSchema>;
export type CheckpointChain = z.infer<typeof checkpointChainSchema>;
export type CheckpointEscalation = z.infer<typeof checkpointEscalationSchema>;
