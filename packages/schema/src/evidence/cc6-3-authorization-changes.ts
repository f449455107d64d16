import { z } from "zod";
import {
  byDecision,
  criterionHeader,
  listOf,
  policyChangeRefSchema,
  requestField,
  timestamp,
} from "./common.ts";

const agentPolicyChangeSchema = z.object({
  agent: z.string().describe("The agent whose entry in the policy changed."),
  change: z
    .enum(["added", "removed", "modified"])
    .describe(
      "`added`: the agent is in the new policy only; `removed`: in the previous one only; `modified`: in both, with a different entry (rules or settings).",
    ),
  rules_before: z
    .int()
    .describe("Number of the agent's rules in the previous policy (0 when it was absent)."),
  rules_after: z.int().describe("Number of the agent's rules in the new policy (0 when it is absent)."),
});

const policyChangeSchema = policyChangeRefSchema.extend({
  default_before: z
    .string()
    .nullable()
    .describe(
      "The previous policy's `default` decision, from the latest earlier `policy.changed` record; `null` when there is none or it states none.",
    ),
  default_after: z
    .string()
    .nullable()
    .describe("The new policy's `default` decision; `null` when it states none."),
  agents: z
    .array(agentPolicyChangeSchema)
    .describe(
      "Every agent whose entry differs between the previous policy (latest earlier `policy.changed` record; none counts as empty) and the new one, sorted by name.",
    ),
});

const approvalItemSchema = z.object({
  timestamp: timestamp
    .nullable()
    .describe(
      "When the escalated request was made (its command event's timestamp, UTC); `null` when the log does not hold it.",
    ),
  decided_at: timestamp.describe(
    "When the outcome was decided (UTC): the `approval.*` record's timestamp, or the request's timestamp plus its `approval_wait_ms` for an outcome on the command line.",
  ),
  request_id: z
    .string()
    .nullable()
    .describe("The escalation's id (`esc_…`) linking request and outcome; `null` when neither states one."),
  agent: z
    .string()
    .describe(
      "The agent that made the request (for an outcome without request, the record's `agent`; empty if none).",
    ),
  tier: z.int().nullable().describe("Risk tier 0–4 of the request; `null` when the log does not hold it."),
  method: z
    .string()
    .nullable()
    .describe("The request's method or verb; `null` when the log does not hold it."),
  path: z
    .string()
    .nullable()
    .describe("The request's API path or command line; `null` when the log does not hold it."),
  namespace: z
    .string()
    .nullable()
    .describe(
      "The request's Kubernetes namespace (empty for cluster scope); `null` when the log does not hold it.",
    ),
  outcome: z
    .enum(["granted", "denied", "expired"])
    .describe(
      "The one outcome counted: `granted` or `denied` by an approver, or `expired` (no decision before the approval timed out).",
    ),
  approver: z
    .string()
    .nullable()
    .describe("Who decided, as the counted outcome states it; `null` when it states none."),
  wait_ms: z
    .int()
    .nullable()
    .describe(
      "Milliseconds the request waited for its outcome, as the counted outcome states it (`approval_wait_ms` or `wait_ms`); `null` when it states none.",
    ),
  source: z
    .enum(["command", "record"])
    .describe("Where the outcome was read: the escalated command line, or an `approval.*` record."),
});

const escalationItemSchema = z.object({
  timestamp: timestamp.describe(
    "When the request was decided by the policy (the command event's timestamp, UTC).",
  ),
  request_id: z
    .string()
    .nullable()
    .describe("The escalation's id (`esc_…`); `null` when the event states none."),
  agent: requestField.agent,
  tier: requestField.tier,
  method: requestField.method,
  path: requestField.path,
  namespace: requestField.namespace,
  file: z
    .string()
    .describe("The audit log file holding the event, as in `audit-log-integrity.json` `files[].path`."),
  line: z
    .int()
    .describe("1-based line number of the event in that file (for PostgreSQL, the row's ordinal)."),
});

const breakGlassItemSchema = escalationItemSchema.extend({
  decision: z
    .string()
    .describe(
      "The policy's decision on the request: `allow` (reason `break_glass_allowed`), `escalate` or `deny`.",
    ),
});

const outcomeCount = (outcome: string, of: string) =>
  z.int().describe(`${of} whose one outcome was \`${outcome}\`.`);

/** `cc6.3-authorization-changes.json`: policy changes, the tier model, approvals and break-glass. */
export const cc63AuthorizationChangesSchema = z
  .object({
    ...criterionHeader,
    population: z
      .object({
        command_events: z
          .int()
          .describe("Command events of the period with a valid agent, tier and decision (as in CC6.1)."),
        escalations: z
          .int()
          .describe("Command events of the period with decision `escalate`: the period's escalations."),
        resolved_escalations: z
          .int()
          .describe(
            "Escalations of the period with an outcome decided by the period's end (granted + denied + expired).",
          ),
        unresolved_escalations: z
          .int()
          .describe("Escalations of the period with no outcome decided by the period's end."),
        break_glass_events: z
          .int()
          .describe("Command events of the period at tier 4 (BREAK-GLASS), whatever their decision."),
        policy_changes: z.int().describe("`policy.changed` records in the period."),
      })
      .describe(
        "The counts this file rests on; always `escalations = resolved_escalations + unresolved_escalations`.",
      ),
    policy_changes: z
      .array(policyChangeSchema)
      .describe("Every `policy.changed` record in the period, in log order, with what it changed."),
    tier_model: z
      .array(
        z.object({
          tier: z.int().describe("The risk tier, 0–4."),
          name: z
            .string()
            .describe("iddio's name of the tier (OBSERVE, OPERATE, MODIFY, SENSITIVE, BREAK-GLASS)."),
          description: z
            .string()
            .describe(
              "What the tier holds in iddio's default tier model (fixed text, not read from the policy).",
            ),
          events: z.int().describe("Command events of the period at this tier."),
          decisions: byDecision("Command events of the period at this tier").describe(
            "Command events of the period at this tier by policy decision; they sum to `events`.",
          ),
        }),
      )
      .describe("One row per risk tier 0–4, with the period's command events at each."),
    approvals: z
      .object({
        requested: z
          .int()
          .describe(
            "Escalations of the period (`population.escalations`): each has one outcome or is unresolved.",
          ),
        granted: outcomeCount("granted", "Escalations of the period"),
        denied: outcomeCount("denied", "Escalations of the period"),
        expired: outcomeCount("expired", "Escalations of the period"),
        unresolved: z
          .int()
          .describe("Escalations of the period with no outcome decided by the period's end."),
        conflicting_outcomes: z
          .int()
          .describe(
            "Requests with a second outcome (an `approval.*` record) that contradicts the one counted (the command line's, else the first record's); reason `conflicting_outcomes`.",
          ),
        wait_ms: z
          .object({
            median: z
              .int()
              .nullable()
              .describe(
                "Median wait in ms by the nearest-rank method: the wait at rank ⌈0.5 × n⌉ of the n waits sorted ascending; `null` when n is 0.",
              ),
            p95: z
              .int()
              .nullable()
              .describe(
                "95th percentile wait in ms by the nearest-rank method: the wait at rank ⌈0.95 × n⌉ of the n waits sorted ascending, the smallest wait with at least 95% of waits at or below it; `null` when n is 0.",
              ),
            max: z.int().nullable().describe("Longest wait in ms; `null` when n is 0."),
          })
          .describe(
            "Waits of the period's resolved escalations whose counted outcome states one (n of them; an outcome without a wait is counted but not timed), in whole milliseconds.",
          ),
        by_approver: z
          .array(
            z.object({
              approver: z
                .string()
                .describe("The approver, as the outcome names them; `(none)` when it names none."),
              granted: outcomeCount("granted", "Escalations of the period decided by this approver"),
              denied: outcomeCount("denied", "Escalations of the period decided by this approver"),
              expired: outcomeCount("expired", "Escalations of the period decided by this approver"),
              total: z
                .int()
                .describe(
                  "Escalations of the period resolved with this approver (granted + denied + expired).",
                ),
            }),
          )
          .describe("The period's resolved escalations by approver, sorted by approver."),
        items: z
          .array(approvalItemSchema)
          .describe(
            "Every resolved escalation of the period with its one outcome (granted + denied + expired of them).",
          ),
        requested_earlier: z
          .object({
            total: z.int().describe("Requests made before the period whose outcome was decided in it."),
            granted: outcomeCount("granted", "Requests made before the period and decided in it"),
            denied: outcomeCount("denied", "Requests made before the period and decided in it"),
            expired: outcomeCount("expired", "Requests made before the period and decided in it"),
            items: z.array(approvalItemSchema).describe("Every one of those requests with its outcome."),
          })
          .describe(
            "Escalations requested in the 7 days before the period and decided inside it: listed here, not counted among the period's escalations or waits.",
          ),
        without_request: listOf(
          approvalItemSchema,
          "outcomes recorded in the period for a request the log does not hold",
        ).describe(
          "`approval.*` records in the period with no `request_id`, or whose escalated command line is not in the log from 7 days before the period to its end (reason `outcomes_without_request`).",
        ),
      })
      .describe(
        "The period's escalations linked to their outcomes by `request_id` in any line order: at most one outcome each, counted only if decided by the period's end; always `requested = granted + denied + expired + unresolved`.",
      ),
    unresolved_escalations: listOf(
      escalationItemSchema,
      "escalations of the period with no outcome decided by the period's end",
    ).describe(
      "Every escalation of the period with no outcome decided by the period's end (reason `unresolved_escalations`).",
    ),
    break_glass: listOf(
      breakGlassItemSchema,
      "command events of the period at tier 4 (BREAK-GLASS)",
    ).describe(
      "Every command event of the period at tier 4 (BREAK-GLASS), whatever its decision, in log order.",
    ),
    by_agent: z
      .array(
        z.object({
          agent: z.string().describe("The agent."),
          escalations: z.int().describe("The agent's command events of the period with decision `escalate`."),
          granted: outcomeCount("granted", "The agent's escalations of the period"),
          denied: outcomeCount("denied", "The agent's escalations of the period"),
          expired: outcomeCount("expired", "The agent's escalations of the period"),
          break_glass: z
            .int()
            .describe("The agent's command events of the period at tier 4, whatever their decision."),
          unresolved: z
            .int()
            .describe("The agent's escalations of the period with no outcome by the period's end."),
        }),
      )
      .describe(
        "Every agent with a command event in the period, sorted by name; per agent, `escalations = granted + denied + expired + unresolved`.",
      ),
  })
  .describe(
    "`cc6.3-authorization-changes.json` (CC6.3 Access authorization and modification): the policy change trail, the tier model, the period's escalations with one outcome each and their waits, escalations unresolved at the period's end, and every break-glass request.",
  );
export type Cc63AuthorizationChanges = z.infer<typeof cc63AuthorizationChangesSchema>;
