import { join } from "node:path";
import { TIER_NAMES } from "@iddio-compliance/schema/wire";
import type { RecordLocation } from "../sources/read-audit-chain.ts";
import { Spool } from "../writers/spool.ts";
import type { CommandEvent, Mapper, MapperContext, RecordTime } from "./mapper-context.ts";
import { int, sortStrings, str } from "./mapper-context.ts";
import type { PolicyTrail } from "./policy-trail.ts";
import { WaitStats } from "./wait-stats.ts";

const TIER_DESCRIPTIONS = [
  "Read-only requests (GET, list, logs, describe): no blast radius",
  "Operational writes a runbook pre-approves (scale, rollout restart)",
  "Modifications (apply, create, patch): human approval by default",
  "Sensitive operations (every DELETE, secret reads, evictions): operator confirmation",
  "Break-glass (exec, attach, port-forward, RBAC, CRDs, namespaces): blocked by default",
] as const;

type Outcome = "granted" | "denied" | "expired";

/** One approval decision as CC6.3 lists it. */
export interface ApprovalItem {
  timestamp: string;
  request_id: string | null;
  agent: string;
  tier: number | null;
  method: string | null;
  path: string | null;
  namespace: string | null;
  outcome: Outcome;
  approver: string | null;
  wait_ms: number | null;
}

/** An escalated or break-glass request as CC6.3 lists it. */
export interface EscalationItem {
  timestamp: string;
  request_id: string | null;
  agent: string;
  tier: number;
  method: string;
  path: string;
  namespace: string;
  file: string;
  line: number;
}

interface AgentAuthorization {
  escalations: number;
  granted: number;
  denied: number;
  expired: number;
  break_glass: number;
}

/**
 * CC6.3 Access authorization and modification: the policy change trail, the tier model in force,
 * approvals (with wait-time median and p95 and per approver), escalations that were never
 * resolved, and every break-glass (tier 4) request.
 */
export class AuthorizationChangesMapper implements Mapper {
  readonly #ctx: MapperContext;
  readonly #policy: PolicyTrail;
  readonly #approvals: Spool<ApprovalItem>;
  readonly #unresolved: Spool<EscalationItem>;
  readonly #breakGlass: Spool<EscalationItem & { decision: string }>;
  /** Escalations with a request id and no outcome yet: a later approval record may resolve them. */
  readonly #open = new Map<string, EscalationItem>();
  readonly #waits = new WaitStats();
  readonly #byApprover = new Map<string, { granted: number; denied: number; expired: number }>();
  readonly #byAgent = new Map<string, AgentAuthorization>();
  readonly #tiers = TIER_NAMES.map(() => ({ events: 0, allow: 0, escalate: 0, deny: 0 }));
  #commandEvents = 0;
  #escalations = 0;
  #resolved = 0;
  #outcomes = { granted: 0, denied: 0, expired: 0 };

  constructor(ctx: MapperContext, policy: PolicyTrail) {
    this.#ctx = ctx;
    this.#policy = policy;
    this.#approvals = new Spool(join(ctx.spoolDir, "cc6.3-approvals.jsonl"));
    this.#unresolved = new Spool(join(ctx.spoolDir, "cc6.3-unresolved.jsonl"));
    this.#breakGlass = new Spool(join(ctx.spoolDir, "cc6.3-break-glass.jsonl"));
  }

  command(event: CommandEvent, time: RecordTime, at: RecordLocation): void {
    if (!time.inPeriod) return;
    this.#commandEvents++;
    const tier = this.#tiers[event.tier];
    if (tier) {
      tier.events++;
      tier[event.decision]++;
    }
    const agent = this.#agent(event.agent);
    const item: EscalationItem = {
      timestamp: event.timestamp,
      request_id: event.request_id ?? null,
      agent: event.agent,
      tier: event.tier,
      method: event.method,
      path: event.path,
      namespace: event.namespace,
      file: at.file,
      line: at.line,
    };
    if (event.tier === 4) {
      agent.break_glass++;
      this.#breakGlass.push({ ...item, decision: event.decision });
    }
    if (event.decision !== "escalate") return;
    this.#escalations++;
    agent.escalations++;
    const outcome = event.approval;
    if (outcome === "granted" || outcome === "denied" || outcome === "expired") {
      this.#resolve(item, outcome, event.approver ?? null, event.approval_wait_ms ?? null);
    } else if (event.request_id) {
      this.#open.set(event.request_id, item);
    } else {
      this.#unresolved.push(item);
    }
  }

  lifecycle(record: Record<string, unknown>, kind: string, time: RecordTime): void {
    if (kind === "policy.changed" || !kind.startsWith("approval.") || kind === "approval.requested") return;
    if (!time.inPeriod) return;
    const outcome = kind.slice("approval.".length) as Outcome;
    const requestId = str(record, "request_id") ?? null;
    const open = requestId === null ? undefined : this.#open.get(requestId);
    const approver = str(record, "approver") ?? null;
    const wait = int(record, "wait_ms") ?? null;
    if (open && requestId !== null) {
      this.#open.delete(requestId);
      this.#resolve(open, outcome, approver, wait);
      return;
    }
    // An outcome whose escalation is not in this period's events still counts as a decision.
    this.#record({
      timestamp: str(record, "timestamp") ?? "",
      request_id: requestId,
      agent: str(record, "agent") ?? "",
      tier: null,
      method: null,
      path: null,
      namespace: null,
      outcome,
      approver,
      wait_ms: wait,
    });
  }

  #resolve(item: EscalationItem, outcome: Outcome, approver: string | null, wait: number | null): void {
    this.#resolved++;
    this.#agent(item.agent)[outcome]++;
    this.#record({
      timestamp: item.timestamp,
      request_id: item.request_id,
      agent: item.agent,
      tier: item.tier,
      method: item.method,
      path: item.path,
      namespace: item.namespace,
      outcome,
      approver,
      wait_ms: wait,
    });
  }

  #record(item: ApprovalItem): void {
    this.#outcomes[item.outcome]++;
    if (item.wait_ms !== null) this.#waits.add(item.wait_ms);
    const key = item.approver ?? "(none)";
    let a = this.#byApprover.get(key);
    if (!a) {
      a = { granted: 0, denied: 0, expired: 0 };
      this.#byApprover.set(key, a);
    }
    a[item.outcome]++;
    this.#approvals.push(item);
  }

  #agent(name: string): AgentAuthorization {
    let a = this.#byAgent.get(name);
    if (!a) {
      a = { escalations: 0, granted: 0, denied: 0, expired: 0, break_glass: 0 };
      this.#byAgent.set(name, a);
    }
    return a;
  }

  finish() {
    const { period, inputs } = this.#ctx;
    for (const item of this.#open.values()) this.#unresolved.push(item);
    this.#open.clear();
    this.#approvals.close();
    this.#unresolved.close();
    this.#breakGlass.close();
    const missing: string[] = [];
    if (this.#policy.recordsSeen === 0) missing.push("policy change records (policy.changed)");
    if (this.#policy.recordsSeen === 0 && !inputs.policy) missing.push("policy.yaml");
    const breakGlassAllowed = this.#tiers[4]?.allow ?? 0;
    const attention = this.#unresolved.total > 0 || breakGlassAllowed > 0;
    return {
      criterion: "CC6.3",
      title: "Access authorization and modification",
      period: { from: period.from, to: period.to, time_zone: period.timeZone },
      status: attention ? ("attention" as const) : ("ok" as const),
      evidence_strength: missing.length === 0 ? ("strong" as const) : ("partial" as const),
      missing_inputs: missing,
      population: {
        command_events: this.#commandEvents,
        escalations: this.#escalations,
        resolved_escalations: this.#resolved,
        break_glass_events: this.#breakGlass.total,
        policy_changes: this.#policy.changes.length,
      },
      policy_changes: this.#policy.changes,
      tier_model: TIER_NAMES.map((name, tier) => {
        const t = this.#tiers[tier] as { events: number; allow: number; escalate: number; deny: number };
        return {
          tier,
          name,
          description: TIER_DESCRIPTIONS[tier] as string,
          events: t.events,
          decisions: { allow: t.allow, escalate: t.escalate, deny: t.deny },
        };
      }),
      approvals: {
        requested: this.#escalations,
        granted: this.#outcomes.granted,
        denied: this.#outcomes.denied,
        expired: this.#outcomes.expired,
        wait_ms: this.#waits.summary(),
        by_approver: sortStrings(this.#byApprover.keys()).map((approver) => {
          const a = this.#byApprover.get(approver) as { granted: number; denied: number; expired: number };
          return { approver, ...a, total: a.granted + a.denied + a.expired };
        }),
        items: this.#approvals,
      },
      unresolved_escalations: { total: this.#unresolved.total, items: this.#unresolved },
      break_glass: { total: this.#breakGlass.total, items: this.#breakGlass },
      by_agent: sortStrings(this.#byAgent.keys()).map((agent) => {
        const a = this.#byAgent.get(agent) as AgentAuthorization;
        return { agent, ...a, unresolved: a.escalations - a.granted - a.denied - a.expired };
      }),
    };
  }
}
