import type { CheckpointState } from "@iddio-compliance/schema";
import { boundSnapshot, type SnapshotTruncation } from "./bounded-snapshot.ts";
import type { RecordTime } from "./mapper-context.ts";
import { str } from "./mapper-context.ts";

/** A policy version as a `policy.changed` record states it. */
export interface PolicyVersion {
  timestamp: string;
  ms: number;
  version: string | null;
  sha256: string | null;
  actor: string | null;
  /** The snapshot as evidence copies it (bounded, see `boundSnapshot`). */
  snapshot: unknown;
  /** How the snapshot was cut to fit, or `null` when it is whole. */
  snapshot_truncated: SnapshotTruncation | null;
}

/** How one agent's rules differ between two policy versions. */
export interface AgentRulesChange {
  agent: string;
  change: "added" | "removed" | "modified";
  rules_before: number;
  rules_after: number;
}

/** One policy change inside the period, with what changed per agent. */
export interface PolicyChange {
  timestamp: string;
  version: string | null;
  sha256: string | null;
  actor: string | null;
  default_before: string | null;
  default_after: string | null;
  agents: AgentRulesChange[];
}

/**
 * Follows `policy.changed` records through the log, shared by CC6.1 (snapshots) and CC6.3 (the
 * change trail). Memory: two snapshots and the list of changes in the period.
 */
export class PolicyTrail {
  atStart: PolicyVersion | null = null;
  latest: PolicyVersion | null = null;
  readonly changes: PolicyChange[] = [];
  recordsSeen = 0;
  changedAfterPeriod = false;

  /** A trail that starts from a checkpoint's: the policy then in force is the one at the period's start. */
  constructor(carried?: CheckpointState["policy"]) {
    if (!carried) return;
    this.atStart = carried.latest;
    this.latest = carried.latest;
    this.recordsSeen = carried.records_seen;
  }

  /** What a later period reads from the records so far (all before its start). */
  carry(): CheckpointState["policy"] {
    return { latest: this.latest, records_seen: this.recordsSeen };
  }

  consume(record: Record<string, unknown>, time: RecordTime): void {
    this.recordsSeen++;
    if (time.after) {
      this.changedAfterPeriod = true;
      return;
    }
    const version: PolicyVersion = {
      timestamp: str(record, "timestamp") ?? "",
      ms: time.ms,
      version: str(record, "version") ?? (typeof record.version === "number" ? String(record.version) : null),
      sha256: str(record, "sha256") ?? null,
      actor: str(record, "actor") ?? null,
      ...boundSnapshot(record.snapshot ?? null),
    };
    if (time.before) {
      if (!this.atStart || version.ms >= this.atStart.ms) this.atStart = version;
    } else {
      this.changes.push(diffPolicies(this.latest, version));
    }
    if (!this.latest || version.ms >= this.latest.ms) this.latest = version;
  }
}

function agentsOf(snapshot: unknown): Record<string, unknown> {
  const agents = (snapshot as { agents?: unknown } | null)?.agents;
  return agents && typeof agents === "object" ? (agents as Record<string, unknown>) : {};
}

function defaultOf(snapshot: unknown): string | null {
  const d = (snapshot as { default?: unknown } | null)?.default;
  return typeof d === "string" ? d : null;
}

function ruleCount(agent: unknown): number {
  const rules = (agent as { rules?: unknown } | null)?.rules;
  return Array.isArray(rules) ? rules.length : 0;
}

function diffPolicies(before: PolicyVersion | null, after: PolicyVersion): PolicyChange {
  const a = agentsOf(before?.snapshot);
  const b = agentsOf(after.snapshot);
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const agents: AgentRulesChange[] = [];
  for (const agent of names) {
    const inA = Object.hasOwn(a, agent);
    const inB = Object.hasOwn(b, agent);
    const rulesBefore = ruleCount(a[agent]);
    const rulesAfter = ruleCount(b[agent]);
    if (inA && !inB) agents.push({ agent, change: "removed", rules_before: rulesBefore, rules_after: 0 });
    else if (!inA && inB) agents.push({ agent, change: "added", rules_before: 0, rules_after: rulesAfter });
    else if (JSON.stringify(a[agent]) !== JSON.stringify(b[agent])) {
      agents.push({ agent, change: "modified", rules_before: rulesBefore, rules_after: rulesAfter });
    }
  }
  return {
    timestamp: after.timestamp,
    version: after.version,
    sha256: after.sha256,
    actor: after.actor,
    default_before: defaultOf(before?.snapshot),
    default_after: defaultOf(after.snapshot),
    agents,
  };
}
