import type { EvidenceDocuments } from "./evidence-documents.ts";

type Figure = number | string | boolean | null;
type CriterionKey = "cc61" | "cc62" | "cc63" | "cc72";

/**
 * The headline figures of each criterion in `summary.json`, and where each is read in the
 * criterion's document (a JSON path, for the summary, the invariants and `verify-package`). One
 * table, so the summary can never state a figure its criterion file does not hold.
 */
export const HEADLINES: {
  readonly [K in CriterionKey]: Readonly<Record<string, readonly (string | number)[]>>;
} = {
  cc61: {
    agents: ["population", "agents"],
    command_events: ["population", "command_events"],
    denied_requests: ["population", "denied_requests"],
    policy_changes: ["policy", "changes", "length"],
  },
  cc62: {
    agents: ["population", "agents"],
    tokens: ["population", "tokens"],
    certificates: ["population", "certificates"],
    jit_issuances: ["population", "jit_issuances"],
    findings: ["findings", "length"],
  },
  cc63: {
    policy_changes: ["population", "policy_changes"],
    escalations: ["population", "escalations"],
    approvals_granted: ["approvals", "granted"],
    approvals_denied: ["approvals", "denied"],
    approvals_expired: ["approvals", "expired"],
    unresolved_escalations: ["unresolved_escalations", "total"],
    break_glass_events: ["break_glass", "total"],
    approval_wait_median_ms: ["approvals", "wait_ms", "median"],
    approval_wait_p95_ms: ["approvals", "wait_ms", "p95"],
  },
  cc72: {
    events_in_period: ["audit_log", "total_events"],
    chain_events: ["audit_log", "chain_events"],
    hash_chain_verified: ["audit_log", "hash_chain_verified"],
    chain_link_breaks: ["audit_log", "gaps_detected"],
    exec_sessions: ["session_recordings", "exec_sessions"],
    api_sessions: ["session_recordings", "api_sessions"],
    missing_recordings: ["session_recordings", "missing", "length"],
    silent_periods: ["silent_periods", "length"],
  },
};

/** Reads a value at a JSON path (`length` of an array included); `undefined` when absent. */
export function readPath(doc: unknown, path: readonly (string | number)[]): unknown {
  let node: unknown = doc;
  for (const key of path) {
    if (node === null || node === undefined) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** The headline figures of one criterion document. */
export function headlineOf(key: CriterionKey, doc: EvidenceDocuments[CriterionKey]): Record<string, Figure> {
  return Object.fromEntries(
    Object.entries(HEADLINES[key]).map(([name, path]) => [name, (readPath(doc, path) ?? null) as Figure]),
  );
}
