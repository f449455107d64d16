import { z } from "zod";
import { byTierSchema, criterionHeader, isoDate, timestamp } from "./common.ts";

/** `cc7.2-monitoring-evidence.json`: continuous, tamper-evident monitoring. */
export const cc72MonitoringEvidenceSchema = z.object({
  ...criterionHeader,
  population: z.object({
    events_in_period: z.int(),
    command_events: z.int(),
    lifecycle_records: z.int(),
    days_in_period: z.int(),
  }),
  audit_log: z.object({
    total_events: z.int(),
    chain_events: z.int(),
    hash_chain_verified: z.boolean(),
    first_event: timestamp.nullable(),
    last_event: timestamp.nullable(),
    gaps_detected: z.int(),
    chain_head: z.string().nullable(),
    files: z.int(),
    findings: z.int(),
  }),
  session_recordings: z.object({
    exec_sessions: z.int(),
    api_sessions: z.int(),
    total_bytes_recorded: z.int(),
    missing: z.array(z.string()),
    digest_mismatches: z.array(z.string()),
  }),
  classification_coverage: z.object({
    command_events: z.int(),
    classified: z.int(),
    unclassified: z.int(),
    by_tier: byTierSchema,
  }),
  daily_activity: z.array(
    z.object({ date: isoDate, events: z.int(), allow: z.int(), escalate: z.int(), deny: z.int() }),
  ),
  silent_periods: z.array(z.object({ from: timestamp, to: timestamp, hours: z.number() })),
  by_agent: z.array(
    z.object({
      agent: z.string(),
      events: z.int(),
      first_event: timestamp,
      last_event: timestamp,
      exec_sessions: z.int(),
      api_sessions: z.int(),
      bytes_recorded: z.int(),
    }),
  ),
});
export type Cc72MonitoringEvidence = z.infer<typeof cc72MonitoringEvidenceSchema>;
