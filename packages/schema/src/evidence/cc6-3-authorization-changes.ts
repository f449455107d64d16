import { z } from "zod";
import { criterionHeader, listOf, timestamp } from "./common.ts";

export const agentPolicyChangeSchema = z.object({
  agent: z.string(),
  change: z.enum(["added", "removed", "modified"]),
  rules_before: z.int(),
  rules_after: z.int(),
});

export const policyChangeSchema = z.object({
  timestamp,
  version: z.string().nullable(),
  sha256: z.string().nullable(),
  actor: z.string().nullable(),
  default_before: z.string().nullable(),
  default_after: z.string().nullable(),
  agents: z.array(agentPolicyChangeSchema),
});

export const approvalItemSchema = z.object({
  timestamp: timestamp
    .nullable()
    .describe("When the escalated request was made; `null` when the log does not hold it."),
  decided_at: timestamp.describe(
    "When the outcome was decided: the approval record's time, or the request's plus its wait.",
  ),
  request_id: z.string().nullable(),
  agent: z.string(),
  tier: z.int().nullable(),
  method: z.string().nullable(),
  path: z.string().nullable(),
  namespace: z.string().nullable(),
  outcome: z.enum(["granted", "denied", "expired"]),
  approver: z.string().nullable(),
  wait_ms: z.int().nullable(),
  source: z
    .enum(["command", "record"])
    .describe("Where the outcome was read: the escalated command line, or an `approval.*` record."),
});

export const escalationItemSchema = z.object({
  timestamp,
  request_id: z.string().nullable(),
  agent: z.string(),
  tier: z.int(),
  method: z.string(),
  path: z.string(),
  namespace: z.string(),
  file: z.string(),
  line: z.int(),
});

export const breakGlassItemSchema = escalationItemSchema.extend({ decision: z.string() });

/** `cc6.3-authorization-changes.json`: policy changes, the tier model, approvals and break-glass. */
export const cc63AuthorizationChangesSchema = z.object({
  ...criterionHeader,
  population: z.object({
    command_events: z.int(),
    escalations: z.int(),
    resolved_escalations: z.int(),
    unresolved_escalations: z.int(),
    break_glass_events: z.int(),
    policy_changes: z.int(),
  }),
  policy_changes: z.array(policyChangeSchema),
  tier_model: z.array(
    z.object({
      tier: z.int(),
      name: z.string(),
      description: z.string(),
      events: z.int(),
      decisions: z.object({ allow: z.int(), escalate: z.int(), deny: z.int() }),
    }),
  ),
  approvals: z.object({
    requested: z.int(),
    granted: z.int(),
    denied: z.int(),
    expired: z.int(),
    unresolved: z.int(),
    conflicting_outcomes: z.int(),
    wait_ms: z.object({ median: z.int().nullable(), p95: z.int().nullable(), max: z.int().nullable() }),
    by_approver: z.array(
      z.object({ approver: z.string(), granted: z.int(), denied: z.int(), expired: z.int(), total: z.int() }),
    ),
    items: z.array(approvalItemSchema),
    requested_earlier: z.object({
      total: z.int(),
      granted: z.int(),
      denied: z.int(),
      expired: z.int(),
      items: z.array(approvalItemSchema),
    }),
    without_request: listOf(approvalItemSchema),
  }),
  unresolved_escalations: listOf(escalationItemSchema),
  break_glass: listOf(breakGlassItemSchema),
  by_agent: z.array(
    z.object({
      agent: z.string(),
      escalations: z.int(),
      granted: z.int(),
      denied: z.int(),
      expired: z.int(),
      break_glass: z.int(),
      unresolved: z.int(),
    }),
  ),
});
export type Cc63AuthorizationChanges = z.infer<typeof cc63AuthorizationChangesSchema>;
