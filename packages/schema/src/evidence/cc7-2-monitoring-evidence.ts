import { z } from "zod";
import { byTier, criterionHeader, isoDate, timestamp } from "./common.ts";

/** `cc7.2-monitoring-evidence.json`: continuous, tamper-evident monitoring. */
export const cc72MonitoringEvidenceSchema = z
  .object({
    ...criterionHeader,
    population: z
      .object({
        events_in_period: z
          .int()
          .describe(
            "Records of any kind timestamped in the period (command events and lifecycle records, unrecognised ones included): this period only, not the whole chain.",
          ),
        command_events: z
          .int()
          .describe(
            "Command events (records without an `event` field) of the period, those without a valid agent, tier or decision included.",
          ),
        lifecycle_records: z
          .int()
          .describe(
            "Lifecycle records (records with an `event` field) of the period, unknown kinds included.",
          ),
        days_in_period: z.int().describe("Calendar days in the period, in its time zone."),
      })
      .describe(
        "The counts this file rests on; always `events_in_period = command_events + lifecycle_records`.",
      ),
    audit_log: z
      .object({
        total_events: z
          .int()
          .describe(
            "Records timestamped in the period (equal to `population.events_in_period`); the whole chain's count is `chain_events`.",
          ),
        chain_events: z
          .int()
          .describe(
            "Well-formed events in the whole hash chain read, every period included (`total_events` of `audit-log-integrity.json`).",
          ),
        hash_chain_verified: z
          .boolean()
          .describe(
            "`true` when the whole hash chain read verified (`verified` of `audit-log-integrity.json`).",
          ),
        first_event: timestamp
          .nullable()
          .describe(
            "Timestamp (UTC) of the period's first record in log order; `null` when the period holds none.",
          ),
        last_event: timestamp
          .nullable()
          .describe(
            "Timestamp (UTC) of the period's last record in log order; `null` when the period holds none.",
          ),
        gaps_detected: z
          .int()
          .describe(
            "Chain link breaks the verifier found in the whole chain read (`link_break` findings: a line whose `prev_hash` is not the previous event's hash, after an event was deleted, inserted or reordered), not silent periods; `chain_link_breaks` in `summary.json`.",
          ),
        chain_head: z
          .string()
          .nullable()
          .describe("`hash` of the last event of the chain read; `null` when it holds none."),
        files: z.int().describe("Number of files read (`files` of `audit-log-integrity.json`)."),
        findings: z
          .int()
          .describe("Findings of every kind and severity the verifier made in the whole chain read."),
      })
      .describe(
        "The audit log as monitoring evidence: the period's records, and the verdict on the whole hash chain read.",
      ),
    session_recordings: z
      .object({
        exec_sessions: z.int().describe("`session.recorded` records of the period with `type` `exec`."),
        api_sessions: z.int().describe("`session.recorded` records of the period with `type` `api`."),
        total_bytes_recorded: z
          .int()
          .describe(
            "Sum of the `bytes` the period's `session.recorded` records state, in bytes (as recorded, not measured from the files).",
          ),
        missing: z
          .array(z.string())
          .describe(
            "`session_id`s of the period's `session.recorded` records with no recording file under `recordings/` (empty when that folder is absent: see `missing_inputs`); reason `missing_recordings`.",
          ),
        digest_mismatches: z
          .array(z.string())
          .describe(
            "`session_id`s whose recording file's SHA-256 differs from the `sha256` its `session.recorded` record states; reason `altered_recordings`.",
          ),
      })
      .describe("Session recordings announced in the period, checked against the recording files."),
    classification_coverage: z
      .object({
        command_events: z
          .int()
          .describe(
            "Command events of the period (`population.command_events`): `classified + unclassified`.",
          ),
        classified: z
          .int()
          .describe(
            "Command events of the period with a valid agent, tier 0–4 and decision (`population.command_events` of CC6.1).",
          ),
        unclassified: z
          .int()
          .describe(
            "Command events of the period without a valid agent, tier 0–4 or decision (counted in `unrecognised_records` of `summary.json`).",
          ),
        by_tier: byTier("Classified command events of the period").describe(
          "Classified command events of the period by risk tier; they sum to `classified`.",
        ),
      })
      .describe("How many of the period's command events carry a risk classification."),
    daily_activity: z
      .array(
        z.object({
          date: isoDate.describe("The calendar date, in the period's time zone."),
          events: z.int().describe("Records of any kind timestamped on that date."),
          allow: z.int().describe("Classified command events on that date with decision `allow`."),
          escalate: z.int().describe("Classified command events on that date with decision `escalate`."),
          deny: z.int().describe("Classified command events on that date with decision `deny`."),
        }),
      )
      .describe("One row per calendar day of the period, in date order, days without records included."),
    silent_periods: z
      .array(
        z.object({
          from: timestamp.describe(
            "Timestamp (UTC) of the last record before the silence, or the period's first instant.",
          ),
          to: timestamp.describe(
            "Timestamp (UTC) of the first record after the silence, or the period's end (the export's clock, if earlier).",
          ),
          hours: z.number().describe("Length of the silence in hours, rounded to one decimal."),
        }),
      )
      .describe(
        "Every stretch of more than 24 hours within the period with no record of any kind (read in log order, against the latest timestamp so far); not chain link breaks, see `audit_log.gaps_detected`; reason `silent_periods`.",
      ),
    by_agent: z
      .array(
        z.object({
          agent: z.string().describe("The agent's name (`proxy` for the proxy's own records)."),
          events: z
            .int()
            .describe("Records of the period naming this agent, command events and lifecycle records."),
          first_event: timestamp.describe("Timestamp (UTC) of the first of those records in log order."),
          last_event: timestamp.describe("Timestamp (UTC) of the last of those records in log order."),
          exec_sessions: z
            .int()
            .describe("This agent's `session.recorded` records of the period with `type` `exec`."),
          api_sessions: z
            .int()
            .describe("This agent's `session.recorded` records of the period with `type` `api`."),
          bytes_recorded: z
            .int()
            .describe(
              "Sum of the `bytes` this agent's `session.recorded` records of the period state, in bytes.",
            ),
        }),
      )
      .describe("Every agent named by a record of the period (an `agent` field), sorted by name."),
  })
  .describe(
    "`cc7.2-monitoring-evidence.json` (CC7.2 System monitoring): the period's records against the verdict on the whole hash chain, session recordings, classification coverage, daily activity and silent periods.",
  );
export type Cc72MonitoringEvidence = z.infer<typeof cc72MonitoringEvidenceSchema>;
