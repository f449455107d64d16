import { z } from "zod";
import {
  byDecision,
  byTier,
  criterionHeader,
  listOf,
  policyChangeRefSchema,
  requestField,
  sha256Hex,
  timestamp,
} from "./common.ts";

const agentAccessSchema = z.object({
  name: z.string().describe("The agent's name as the audit log states it (`agent`)."),
  identity_type: z
    .enum(["mtls", "token", "unknown"])
    .describe(
      "How the agent authenticated: the `identity` of its last command event of the period that states one (or of its `agent.created` record); failing that `mtls` when `agents/<name>/agent.crt` exists, `token` when `tokens.yaml` lists the agent; otherwise `unknown` (reason `unknown_identity`).",
    ),
  spiffe_id: z
    .string()
    .nullable()
    .describe(
      "The SPIFFE URI in the agent's certificate file `agents/<name>/agent.crt` (as it is when exported); for an `mtls` agent without that file, the assumed `spiffe://iddio.local/agent/<name>`; otherwise `null`.",
    ),
  first_seen: timestamp.describe("Timestamp of the agent's earliest command event in the period (UTC)."),
  last_seen: timestamp.describe("Timestamp of the agent's latest command event in the period (UTC)."),
  total_requests: z.int().describe("The agent's command events in the period, whatever their decision."),
  by_tier: byTier("The agent's command events in the period").describe(
    "The agent's command events in the period by risk tier; they sum to `total_requests`.",
  ),
  by_decision: byDecision("The agent's command events in the period").describe(
    "The agent's command events in the period by policy decision; they sum to `total_requests`.",
  ),
  namespaces: z
    .array(z.string())
    .describe(
      "Distinct non-empty Kubernetes namespaces of the agent's command events in the period, sorted (cluster-scoped requests add none).",
    ),
  protocols: z
    .array(z.string())
    .describe(
      "Distinct protocols of the agent's command events in the period (`kubernetes` when the event states none), sorted.",
    ),
});

const policySnapshotSchema = z.object({
  version: z.string().nullable().describe("The policy's `version`; `null` when it states none."),
  sha256: sha256Hex
    .nullable()
    .describe(
      "SHA-256 of the policy: the `sha256` the `policy.changed` record states, or of the `policy.yaml` file's bytes; `null` when the record states none.",
    ),
  source: z
    .enum(["policy.changed", "policy.yaml"])
    .describe(
      "`policy.changed`: read from that record in the audit log; `policy.yaml`: the file in the iddio home as it is when exported (used only when the log holds no `policy.changed` record).",
    ),
  as_of: timestamp
    .nullable()
    .describe("Timestamp of the `policy.changed` record (UTC); `null` for `policy.yaml`."),
  snapshot: z
    .unknown()
    .describe(
      'The policy document itself, as a JSON object (`default`, `agents.<name>.rules[]`, …), copied at most 32 levels deep and about 1 MiB of text; values beyond are `"[truncated]"` (see `snapshot_truncated`).',
    ),
  snapshot_truncated: z
    .object({
      reason: z
        .enum(["depth", "size"])
        .describe(
          "The bound hit first: `depth`, an object or array nested deeper than `max_depth`; `size`, the copy reached about `max_bytes` of text.",
        ),
      max_depth: z
        .int()
        .describe('Levels of nesting copied; deeper objects and arrays are replaced by `"[truncated]"`.'),
      max_bytes: z
        .int()
        .describe(
          'Approximate size in bytes of snapshot text copied; the values after it are replaced by `"[truncated]"`.',
        ),
    })
    .nullable()
    .describe(
      "How `snapshot` was cut to fit into evidence (reason `policy_snapshot_truncated`; `sha256` still identifies the whole policy); `null` when it is whole.",
    ),
});

const deniedRequestSchema = z.object({
  timestamp: timestamp.describe("When the request was decided (the command event's timestamp, UTC)."),
  agent: requestField.agent,
  protocol: z.string().describe("The request's protocol (`kubernetes` when the event states none)."),
  method: requestField.method,
  path: requestField.path,
  namespace: requestField.namespace,
  resource: z.string().describe("Resource kind; empty when the event states none."),
  tier: requestField.tier,
  file: z
    .string()
    .describe("The audit log file holding the event, as in `audit-log-integrity.json` `files[].path`."),
  line: z
    .int()
    .describe("1-based line number of the event in that file (for PostgreSQL, the row's ordinal)."),
});

/** `cc6.1-access-controls.json`: who could reach what, and what was refused. */
export const cc61AccessControlsSchema = z
  .object({
    ...criterionHeader,
    population: z
      .object({
        command_events: z
          .int()
          .describe(
            "Command events of the period with a valid agent, tier and decision (the rest are `unrecognised_records` in `summary.json`).",
          ),
        agents: z.int().describe("Distinct agents with at least one such command event in the period."),
        denied_requests: z.int().describe("Command events of the period with decision `deny`."),
        denied_of_command_events: z
          .string()
          .describe(
            "`denied_requests` out of `command_events` as text, `<denied> of <command events> (<percent>%)`, the percentage to two decimals.",
          ),
      })
      .describe("The counts this file rests on, each out of the period's command events."),
    agents: z
      .array(agentAccessSchema)
      .describe("Every agent with at least one command event in the period, sorted by name."),
    policy: z
      .object({
        at_start: policySnapshotSchema
          .nullable()
          .describe(
            "The policy in force at the period's first instant: the latest `policy.changed` record before it, else `policy.yaml` when the log holds no `policy.changed` record; `null` when records exist but none precedes the period.",
          ),
        at_end: policySnapshotSchema
          .nullable()
          .describe(
            "The policy in force at the period's end: the latest `policy.changed` record up to then, else `policy.yaml` when the log holds no `policy.changed` record; `null` when the only records come after the period.",
          ),
        changes: z
          .array(policyChangeRefSchema)
          .describe(
            "Every `policy.changed` record in the period, in log order (CC6.3 details what each changed).",
          ),
      })
      .describe("The access policy at the period's start and end, and its changes in between."),
    denied_requests: listOf(deniedRequestSchema, "command events of the period the policy denied").describe(
      "Every command event of the period with decision `deny`, in log order.",
    ),
  })
  .describe(
    "`cc6.1-access-controls.json` (CC6.1 Logical access security): every agent that made requests in the period with its access by tier and decision, the policy in force at the start and end, and every denied request.",
  );
export type Cc61AccessControls = z.infer<typeof cc61AccessControlsSchema>;
