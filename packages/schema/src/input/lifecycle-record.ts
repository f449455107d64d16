import { z } from "zod";

const base = { timestamp: z.string(), hash: z.string().optional(), prev_hash: z.string().optional() };
const credential = { agent: z.string() };
const cert = {
  ...credential,
  serial: z.string(),
  fingerprint: z.string(),
  spiffe_id: z.string().optional(),
  not_before: z.string(),
  not_after: z.string(),
};
const approval = {
  request_id: z.string(),
  agent: z.string().optional(),
  approver: z.string().optional(),
  wait_ms: z.int().optional(),
};

/** Lifecycle records (DESIGN §3.2, docs/data-contract.md §1.2), discriminated by `event`. */
const lifecycleRecordSchema = z.discriminatedUnion("event", [
  z.looseObject({
    event: z.literal("agent.created"),
    ...base,
    agent: z.string(),
    identity: z.string().optional(),
  }),
  z.looseObject({
    event: z.literal("agent.removed"),
    ...base,
    agent: z.string(),
    actor: z.string().optional(),
  }),
  z.looseObject({ event: z.literal("token.issued"), ...base, ...credential, fingerprint: z.string() }),
  z.looseObject({
    event: z.literal("token.rotated"),
    ...base,
    ...credential,
    fingerprint: z.string(),
    previous_fingerprint: z.string().optional(),
  }),
  z.looseObject({ event: z.literal("token.revoked"), ...base, ...credential, fingerprint: z.string() }),
  z.looseObject({ event: z.literal("cert.issued"), ...base, ...cert }),
  z.looseObject({ event: z.literal("cert.renewed"), ...base, ...cert }),
  z.looseObject({ event: z.literal("cert.revoked"), ...base, ...cert }),
  z.looseObject({
    event: z.literal("jit.issued"),
    ...base,
    agent: z.string(),
    kind: z.string(),
    ttl_s: z.int().optional(),
    namespace: z.string().optional(),
    host: z.string().optional(),
  }),
  z.looseObject({
    event: z.literal("policy.changed"),
    ...base,
    version: z.string().optional(),
    sha256: z.string().optional(),
    actor: z.string().optional(),
    snapshot: z.unknown().optional(),
  }),
  z.looseObject({ event: z.literal("approval.requested"), ...base, ...approval }),
  z.looseObject({ event: z.literal("approval.granted"), ...base, ...approval }),
  z.looseObject({ event: z.literal("approval.denied"), ...base, ...approval }),
  z.looseObject({ event: z.literal("approval.expired"), ...base, ...approval }),
  z.looseObject({
    event: z.literal("session.recorded"),
    ...base,
    agent: z.string().optional(),
    session_id: z.string(),
    type: z.enum(["exec", "api"]),
    bytes: z.int().optional(),
    sha256: z.string().optional(),
  }),
  z.looseObject({
    event: z.literal("proxy.started"),
    ...base,
    proxy_id: z.string().optional(),
    version: z.string().optional(),
  }),
  z.looseObject({
    event: z.literal("proxy.stopped"),
    ...base,
    proxy_id: z.string().optional(),
    version: z.string().optional(),
  }),
  z.looseObject({
    event: z.literal("export.completed"),
    ...base,
    period_from: z.string(),
    period_to: z.string(),
    chain_head: z.string().optional(),
    events: z.int().optional(),
    checkpoint_sha256: z.string().optional(),
  }),
]);
export type LifecycleRecord = z.infer<typeof lifecycleRecordSchema>;
