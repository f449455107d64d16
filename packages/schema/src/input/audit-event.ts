import { z } from "zod";

export const decisionSchema = z.enum(["allow", "escalate", "deny"]);

/**
 * A command audit event (docs/data-contract.md §1.1). The documented fields are required; every
 * other field is optional, and unknown keys are kept (`z.looseObject`).
 */
const auditEventSchema = z.looseObject({
  timestamp: z.string(),
  agent: z.string(),
  method: z.string(),
  path: z.string(),
  namespace: z.string().optional(),
  resource: z.string().optional(),
  tier: z.int().min(0).max(4),
  decision: decisionSchema,
  latency_us: z.int().optional(),
  protocol: z.string().optional(),
  host: z.string().optional(),
  principal: z.string().optional(),
  command: z.string().optional(),
  exit_code: z.int().optional(),
  session_id: z.string().optional(),
  identity: z.enum(["mtls", "token"]).optional(),
  request_id: z.string().optional(),
  approval: z.enum(["granted", "denied", "expired"]).optional(),
  approver: z.string().optional(),
  approval_wait_ms: z.int().optional(),
  policy_version: z.string().optional(),
  proxy_id: z.string().optional(),
  org_id: z.string().optional(),
  hash: z.string(),
  prev_hash: z.string(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
