import { join } from "node:path";
import type { CheckpointState } from "@iddio-compliance/schema";
import { TIER_NAMES } from "@iddio-compliance/schema/wire";
import type { RecordLocation } from "../sources/read-audit-chain.ts";
import { Spool } from "../writers/spool.ts";
import {
  APPROVAL_LOOKBACK_MS,
  ApprovalLinker,
  type EscalationRequest,
  type Outcome,
  type OutcomeFact,
} from "./approval-linker.ts";
import { ApprovalLookback } from "./approval-lookback.ts";
import { Assessment, type PeriodFacts } from "./assessment.ts";
import type { CommandEvent, Mapper, MapperContext, RecordTime } from "./mapper-context.ts";
import { int, sortStrings, stampOfMs, str } from "./mapper-context.ts";
import type { PolicyTrail } from "./policy-trail.ts";
import { WaitStats } from "./wait-stats.ts";

const TIER_DESCRIPTIONS = [
  "Read-only requests (GET, list, logs, describe): no blast radius",
  "Operational writes a runbook pre-approves (scale, rollout restart)",
  "Modifications (apply, create, patch): human approval by default",
  "Sensitive operations (every DELETE, secret reads, evictions): operator confirmation",
  "Break-glass (exec, attach, port-forward, RBAC, CRDs, namespaces): blocked by default",
] as const;

const OUTCOMES = new Set<string>(["granted", "denied", "expired"]);

/** One decided escalation as CC6.3 lists it. */
export interface ApprovalItem {
  /** When the escalated request was made (the command line's timestamp). */
  timestamp: string | null;
  decided_at: string;
  request_id: string | null;
  agent: string;
  tier: number | null;
  method: string | null;
  path: string | null;
  namespace: string | null;
  outcome: Outcome;
  approver: string | null;
  wait_ms: number | null;
  /** Where the outcome was read: the escalated command line, or an `approval.*` record. */
  source: "command" | "record";
}

/** An escalated or break-glass request as CC6.3 lists it. */
export type EscalationItem = EscalationRequest;

interface AgentAuthorization {
  escalations: number;
  granted: number;
  denied: number;
  expired: number;
  unresolved: number;
  break_glass: number;
}

interface OutcomeCounts {
  granted: number;
  denied: number;
  expired: number;
}

const zero = (): OutcomeCounts => ({ granted: 0, denied: 0, expired: 0 });

/**
 * CC6.3 Access authorization and modification: the policy change trail, the tier model in force,
 * the period's escalations with their one outcome each (linked by request id in any line order,
 * see {@link ApprovalLinker}), wait-time median and p95 and per approver, escalations unresolved
 * at the period's end, and every break-glass (tier 4) request.
 */
export class AuthorizationChangesMapper implements Mapper {
  readonly #ctx: MapperContext;
  readonly #policy: PolicyTrail;
  readonly #linker: ApprovalLinker;
  readonly #approvals: Spool<ApprovalItem>;
  readonly #earlier: Spool<ApprovalItem>;
  readonly #withoutRequest: Spool<ApprovalItem>;
  readonly #unresolved: Spool<EscalationItem>;
  readonly #breakGlass: Spool<EscalationItem & { decision: string }>;
  readonly #waits = new WaitStats();
  readonly #byApprover = new Map<string, OutcomeCounts>();
  readonly #byAgent = new Map<string, AgentAuthorization>();
  readonly #tiers = TIER_NAMES.map(() => ({ events: 0, allow: 0, escalate: 0, deny: 0 }));
  #commandEvents = 0;
  #escalations = 0;
  #outcomes = zero();
  #earlierOutcomes = zero();
  #conflicts = 0;
  /** What a checkpoint at the period's end carries of the escalations before it. */
  readonly #lookback: ApprovalLookback;

  constructor(ctx: MapperContext, policy: PolicyTrail, carried?: CheckpointState["cc63"]) {
    this.#ctx = ctx;
    this.#policy = policy;
    const spool = (name: string) => join(ctx.spoolDir, name);
    this.#approvals = new Spool(spool("cc6.3-approvals.jsonl"));
    this.#earlier = new Spool(spool("cc6.3-approvals-earlier.jsonl"));
    this.#withoutRequest = new Spool(spool("cc6.3-approvals-without-request.jsonl"));
    this.#unresolved = new Spool(spool("cc6.3-unresolved.jsonl"));
    this.#breakGlass = new Spool(spool("cc6.3-break-glass.jsonl"));
    this.#linker = new ApprovalLinker(ctx.period, {
      resolved: (request, outcome) => this.#resolved(request, outcome),
      resolvedFromEarlier: (request, outcome) => {
        this.#earlierOutcomes[outcome.outcome]++;
        this.#earlier.push(approvalItem(request, outcome));
      },
      withoutRequest: (requestId, agent, outcome) =>
        this.#withoutRequest.push(approvalItem(null, outcome, requestId, agent)),
      unresolved: (request) => {
        this.#agent(request.agent).unresolved++;
        this.#unresolved.push(request);
      },
      conflict: () => {
        this.#conflicts++;
      },
    });
    this.#lookback = new ApprovalLookback(ctx.period.endMs, carried?.lookback);
    // The escalations a checkpoint carries are read as the full pass reads them, before any line.
    const before = { before: true, inPeriod: false, after: false };
    for (const entry of carried?.lookback ?? []) {
      if (entry.ms < ctx.period.startMs - APPROVAL_LOOKBACK_MS) continue;
      if (!("request" in entry)) {
        this.#linker.decidedEarlier(entry.request_id);
        continue;
      }
      this.#linker.request({ ...entry.request }, { ms: entry.ms, ...before }, entry.on_line);
      if (entry.closed_by_record && entry.request.request_id !== null)
        this.#linker.closeEarlier(entry.request.request_id);
    }
  }

  /** What a later period reads of the escalations so far (all before its start). */
  carry(): CheckpointState["cc63"] {
    return { lookback: this.#lookback.carry() };
  }

  command(event: CommandEvent, time: RecordTime, at: RecordLocation): void {
    if (time.inPeriod) this.#countCommand(event, at);
    if (event.decision !== "escalate" || time.after) return;
    const request: EscalationRequest = requestOf(event, at);
    const approval = event.approval;
    const onLine: OutcomeFact | null =
      approval !== undefined && OUTCOMES.has(approval)
        ? decided(
            approval as Outcome,
            event.approver ?? null,
            event.approval_wait_ms ?? null,
            time.ms + (event.approval_wait_ms ?? 0),
            "command",
          )
        : null;
    this.#linker.request(request, time, onLine);
    this.#lookback.request(time.ms, request, onLine);
  }

  #countCommand(event: CommandEvent, at: RecordLocation): void {
    this.#commandEvents++;
    const tier = this.#tiers[event.tier];
    if (tier) {
      tier.events++;
      tier[event.decision]++;
    }
    const agent = this.#agent(event.agent);
    if (event.tier === 4) {
      agent.break_glass++;
      this.#breakGlass.push({ ...requestOf(event, at), decision: event.decision });
    }
    if (event.decision === "escalate") {
      this.#escalations++;
      agent.escalations++;
    }
  }

  lifecycle(record: Record<string, unknown>, kind: string, time: RecordTime): void {
    if (!kind.startsWith("approval.")) return;
    const outcome = kind.slice("approval.".length);
    if (!OUTCOMES.has(outcome)) return;
    const fact = decided(
      outcome as Outcome,
      str(record, "approver") ?? null,
      int(record, "wait_ms") ?? null,
      time.ms,
      "record",
      str(record, "timestamp"),
    );
    const requestId = str(record, "request_id") ?? null;
    this.#linker.outcome(requestId, str(record, "agent") ?? "", fact, time);
    this.#lookback.outcome(requestId, time.ms);
  }

  #resolved(request: EscalationRequest, outcome: OutcomeFact): void {
    this.#outcomes[outcome.outcome]++;
    this.#agent(request.agent)[outcome.outcome]++;
    if (outcome.wait_ms !== null) this.#waits.add(outcome.wait_ms);
    const key = outcome.approver ?? "(none)";
    let a = this.#byApprover.get(key);
    if (!a) {
      a = zero();
      this.#byApprover.set(key, a);
    }
    a[outcome.outcome]++;
    this.#approvals.push(approvalItem(request, outcome));
  }

  #agent(name: string): AgentAuthorization {
    let a = this.#byAgent.get(name);
    if (!a) {
      a = { escalations: 0, granted: 0, denied: 0, expired: 0, unresolved: 0, break_glass: 0 };
      this.#byAgent.set(name, a);
    }
    return a;
  }

  finish(facts: PeriodFacts) {
    const { inputs } = this.#ctx;
    this.#linker.finish();
    for (const spool of [
      this.#approvals,
      this.#earlier,
      this.#withoutRequest,
      this.#unresolved,
      this.#breakGlass,
    ])
      spool.close();
    const missing: string[] = [];
    if (this.#policy.recordsSeen === 0) missing.push("policy change records (policy.changed)");
    if (this.#policy.recordsSeen === 0 && !inputs.policy) missing.push("policy.yaml");
    const breakGlassAllowed = this.#tiers[4]?.allow ?? 0;
    const assessment = new Assessment((pointer) => this.#ctx.listLocation("cc63", pointer));
    assessment.add(
      "attention",
      "unresolved_escalations",
      this.#unresolved.total,
      `${this.#unresolved.total} escalated request(s) had no approval outcome by the end of the period`,
      "/unresolved_escalations",
    );
    assessment.add(
      "attention",
      "break_glass_allowed",
      breakGlassAllowed,
      `${breakGlassAllowed} break-glass (tier 4) request(s) were allowed without an escalation`,
      "/break_glass",
    );
    assessment.add(
      "attention",
      "conflicting_outcomes",
      this.#conflicts,
      `${this.#conflicts} escalation(s) have an approval record that contradicts the outcome on their command line (the command line's is counted)`,
      "/approvals",
    );
    assessment.add(
      "attention",
      "outcomes_without_request",
      this.#withoutRequest.total,
      `${this.#withoutRequest.total} approval outcome(s) in the period name a request the log does not hold`,
      "/approvals/without_request",
    );
    const resolved = this.#outcomes.granted + this.#outcomes.denied + this.#outcomes.expired;
    return {
      criterion: "CC6.3",
      title: "Access authorization and modification",
      period: this.#ctx.periodHeader,
      ...assessment.result(facts, missing),
      missing_inputs: missing,
      population: {
        command_events: this.#commandEvents,
        escalations: this.#escalations,
        resolved_escalations: resolved,
        unresolved_escalations: this.#unresolved.total,
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
        unresolved: this.#unresolved.total,
        conflicting_outcomes: this.#conflicts,
        wait_ms: this.#waits.summary(),
        by_approver: sortStrings(this.#byApprover.keys()).map((approver) => {
          const a = this.#byApprover.get(approver) as OutcomeCounts;
          return { approver, ...a, total: a.granted + a.denied + a.expired };
        }),
        items: this.#approvals,
        requested_earlier: { total: this.#earlier.total, ...this.#earlierOutcomes, items: this.#earlier },
        without_request: { total: this.#withoutRequest.total, items: this.#withoutRequest },
      },
      unresolved_escalations: { total: this.#unresolved.total, items: this.#unresolved },
      break_glass: { total: this.#breakGlass.total, items: this.#breakGlass },
      by_agent: sortStrings(this.#byAgent.keys()).map((agent) => ({
        agent,
        ...(this.#byAgent.get(agent) as AgentAuthorization),
      })),
    };
  }
}

function decided(
  outcome: Outcome,
  approver: string | null,
  wait: number | null,
  ms: number,
  source: "command" | "record",
  stamp?: string,
): OutcomeFact {
  return {
    outcome,
    approver,
    wait_ms: wait,
    decided_at: stamp ?? stampOfMs(ms),
    decidedMs: ms,
    source,
  };
}

function approvalItem(
  request: EscalationRequest | null,
  outcome: OutcomeFact,
  requestId: string | null = request?.request_id ?? null,
  agent = request?.agent ?? "",
): ApprovalItem {
  return {
    timestamp: request?.timestamp ?? null,
    decided_at: outcome.decided_at,
    request_id: requestId,
    agent,
    tier: request?.tier ?? null,
    method: request?.method ?? null,
    path: request?.path ?? null,
    namespace: request?.namespace ?? null,
    outcome: outcome.outcome,
    approver: outcome.approver,
    wait_ms: outcome.wait_ms,
    source: outcome.source,
  };
}

/** The fields an escalation and a break-glass request list share: what was asked, by whom, where in the log. */
function requestOf(event: CommandEvent, at: RecordLocation): EscalationRequest {
  return {
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
}
