import { z } from "zod";
import { byDecisionSchema, byTierSchema, criterionHeader, listOf, sha256Hex, timestamp } from "./common.ts";

export const agentAccessSchema = z.object({
  name: z.string(),
  identity_type: z.enum(["mtls", "token", "unknown"]),
  spiffe_id: z.string().nullable(),
  first_seen: timestamp,
  last_seen: timestamp,
  total_requests: z.int(),
  by_tier: byTierSchema,
  by_decision: byDecisionSchema,
  namespaces: z.array(z.string()),
  protocols: z.array(z.string()),
});

export const policySnapshotSchema = z.object({
  version: z.string().nullable(),
  sha256: sha256Hex.nullable(),
  source: z.enum(["policy.changed", "policy.yaml"]),
  as_of: timestamp.nullable(),
  snapshot: z.unknown(),
  snapshot_truncated: z
    .object({ reason: z.enum(["depth", "size"]), max_depth: z.int(), max_bytes: z.int() })
    .nullable(),
});

export const policyChangeRefSchema = z.object({
  timestamp,
  version: z.string().nullable(),
  sha256: z.string().nullable(),
  actor: z.string().nullable(),
});

export const deniedRequestSchema = z.object({
  timestamp,
  agent: z.string(),
  protocol: z.string(),
  method: z.string(),
  path: z.string(),
  namespace: z.string(),
  resource: z.string(),
  tier: z.int(),
  file: z.string(),
  line: z.int(),
});

/** `cc6.1-access-controls.json`: who could reach what, and what was refused. */
export const cc61AccessControlsSchema = z.object({
  ...criterionHeader,
  population: z.object({
    command_events: z.int(),
    agents: z.int(),
    denied_requests: z.int(),
    denied_of_command_events: z.string(),
  }),
  agents: z.array(agentAccessSchema),
  policy: z.object({
    at_start: policySnapshotSchema.nullable(),
    at_end: policySnapshotSchema.nullable(),
    changes: z.array(policyChangeRefSchema),
  }),
  denied_requests: listOf(deniedRequestSchema),
});
export type Cc61AccessControls = z.infer<typeof cc61AccessControlsSchema>;
