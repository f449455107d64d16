import type { GoField } from "./go-json.ts";

const field = (name: string, omitempty = true): GoField => ({ name, omitempty });
const pointer = (name: string): GoField => ({ name, omitempty: true, pointer: true });

/**
 * The assumed Go struct of a command audit event (docs/data-contract.md §1.1). The documented
 * fields come first in the documented order; `hash` has no `omitempty` (the hashed bytes hold
 * `"hash":""`) unless a writer is configured otherwise.
 */
export const COMMAND_EVENT_FIELDS: readonly GoField[] = [
  field("timestamp", false),
  field("agent", false),
  field("method", false),
  field("path", false),
  field("namespace"),
  field("resource"),
  field("tier", false),
  field("decision", false),
  field("latency_us", false),
  field("protocol"),
  field("host"),
  field("principal"),
  field("command"),
  pointer("exit_code"),
  field("session_id"),
  field("identity"),
  field("request_id"),
  field("approval"),
  field("approver"),
  field("approval_wait_ms"),
  field("policy_version"),
  field("proxy_id"),
  field("org_id"),
  field("hash", false),
  field("prev_hash", false),
];

const LIFECYCLE_FIELDS_BY_KIND: Readonly<Record<string, readonly string[]>> = {
  "agent.created": ["agent", "identity"],
  "agent.removed": ["agent", "actor"],
  "token.issued": ["agent", "fingerprint"],
  "token.rotated": ["agent", "fingerprint", "previous_fingerprint"],
  "token.revoked": ["agent", "fingerprint"],
  "cert.issued": ["agent", "serial", "fingerprint", "spiffe_id", "not_before", "not_after"],
  "cert.renewed": ["agent", "serial", "fingerprint", "spiffe_id", "not_before", "not_after"],
  "cert.revoked": ["agent", "serial", "fingerprint", "spiffe_id", "not_before", "not_after"],
  "jit.issued": ["agent", "kind", "ttl_s", "namespace", "host"],
  "policy.changed": ["version", "sha256", "actor", "snapshot"],
  "approval.requested": ["request_id", "agent", "approver", "wait_ms"],
  "approval.granted": ["request_id", "agent", "approver", "wait_ms"],
  "approval.denied": ["request_id", "agent", "approver", "wait_ms"],
  "approval.expired": ["request_id", "agent", "approver", "wait_ms"],
  "session.recorded": ["agent", "session_id", "type", "bytes", "sha256"],
  "proxy.started": ["proxy_id", "version"],
  "proxy.stopped": ["proxy_id", "version"],
  "export.completed": ["period_from", "period_to", "chain_head", "events", "checkpoint_sha256"],
  // Written by the server plugin's ledger only (DESIGN §7.4: the exporter is audited too).
  "export.failed": ["period_from", "period_to", "attempt", "error"],
  "export.skipped": ["period_from", "period_to", "reason"],
  "export.deleted": ["period_from", "period_to", "location"],
  "push.delivered": ["period_from", "period_to", "connector", "package_sha256"],
  "push.failed": ["period_from", "period_to", "connector", "attempt", "error"],
  "push.stalled": ["period_from", "period_to", "connector", "attempt", "since", "error"],
};

/** The assumed Go struct of a lifecycle record of the given kind (docs/data-contract.md §1.2). */
export function lifecycleFields(kind: string): readonly GoField[] {
  const middle = LIFECYCLE_FIELDS_BY_KIND[kind];
  if (middle === undefined) throw new TypeError(`unknown lifecycle kind "${kind}"`);
  return [
    field("event", false),
    field("timestamp", false),
    ...middle.map((name) => field(name)),
    field("hash", false),
    field("prev_hash", false),
  ];
}

/** The lifecycle kinds this project knows (DESIGN §3.2). */
export const LIFECYCLE_KINDS: readonly string[] = Object.keys(LIFECYCLE_FIELDS_BY_KIND);

/** Returns `fields` with `hash` marked `omitempty`, for writers whose hashed bytes omit the key. */
export function withOmittedHash(fields: readonly GoField[]): readonly GoField[] {
  return fields.map((f) => (f.name === "hash" ? { name: "hash", omitempty: true } : f));
}
