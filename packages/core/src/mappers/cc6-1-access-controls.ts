import { join } from "node:path";
import type { CheckpointState } from "@iddio-compliance/schema";
import type { RecordLocation } from "../sources/read-audit-chain.ts";
import { Spool } from "../writers/spool.ts";
import { Assessment, type PeriodFacts } from "./assessment.ts";
import { boundSnapshot, type SnapshotTruncation } from "./bounded-snapshot.ts";
import type { CommandEvent, Mapper, MapperContext, RecordTime } from "./mapper-context.ts";
import { ofTotal, sortStrings, str } from "./mapper-context.ts";
import type { PolicyTrail, PolicyVersion } from "./policy-trail.ts";

interface AgentAccess {
  identity: string | undefined;
  firstSeen: string;
  firstMs: number;
  lastSeen: string;
  lastMs: number;
  total: number;
  byTier: [number, number, number, number, number];
  allow: number;
  escalate: number;
  deny: number;
  namespaces: Set<string>;
  protocols: Set<string>;
}

/** A denied request as CC6.1 lists it. */
export interface DeniedRequest {
  timestamp: string;
  agent: string;
  protocol: string;
  method: string;
  path: string;
  namespace: string;
  resource: string;
  tier: number;
  file: string;
  line: number;
}

/**
 * CC6.1 Logical access security: the agent inventory with access per tier and decision,
 * the policy in force at the start and end of the period, and every denied request.
 */
export class AccessControlsMapper implements Mapper {
  readonly #agents = new Map<string, AgentAccess>();
  readonly #denied: Spool<DeniedRequest>;
  readonly #ctx: MapperContext;
  readonly #policy: PolicyTrail;
  #commandEvents = 0;
  readonly #createdIdentity = new Map<string, string>();
  readonly #recordSpiffe = new Map<string, string>();
  readonly #tokenAgents = new Set<string>();

  constructor(ctx: MapperContext, policy: PolicyTrail, carried?: CheckpointState["cc61"]) {
    this.#ctx = ctx;
    this.#policy = policy;
    this.#denied = new Spool(join(ctx.spoolDir, "cc6.1-denied.jsonl"));
    if (!carried) return;
    for (const [agent, identity] of carried.created_identity) this.#createdIdentity.set(agent, identity);
    for (const [agent, spiffe] of carried.record_spiffe) this.#recordSpiffe.set(agent, spiffe);
    for (const agent of carried.token_agents) this.#tokenAgents.add(agent);
  }

  /** The identities a later period reads from the records so far (all before its start). */
  carry(): CheckpointState["cc61"] {
    return {
      created_identity: [...this.#createdIdentity],
      record_spiffe: [...this.#recordSpiffe],
      token_agents: [...this.#tokenAgents],
    };
  }

  command(event: CommandEvent, time: RecordTime, at: RecordLocation): void {
    if (!time.inPeriod) return;
    this.#commandEvents++;
    let agent = this.#agents.get(event.agent);
    if (!agent) {
      agent = {
        identity: undefined,
        firstSeen: event.timestamp,
        firstMs: time.ms,
        lastSeen: event.timestamp,
        lastMs: time.ms,
        total: 0,
        byTier: [0, 0, 0, 0, 0],
        allow: 0,
        escalate: 0,
        deny: 0,
        namespaces: new Set(),
        protocols: new Set(),
      };
      this.#agents.set(event.agent, agent);
    }
    if (time.ms < agent.firstMs) {
      agent.firstMs = time.ms;
      agent.firstSeen = event.timestamp;
    }
    if (time.ms >= agent.lastMs) {
      agent.lastMs = time.ms;
      agent.lastSeen = event.timestamp;
    }
    agent.total++;
    agent.byTier[event.tier as 0 | 1 | 2 | 3 | 4]++;
    agent[event.decision]++;
    if (event.identity) agent.identity = event.identity;
    if (event.namespace) agent.namespaces.add(event.namespace);
    agent.protocols.add(event.protocol);
    if (event.decision === "deny") {
      this.#denied.push({
        timestamp: event.timestamp,
        agent: event.agent,
        protocol: event.protocol,
        method: event.method,
        path: event.path,
        namespace: event.namespace,
        resource: event.resource,
        tier: event.tier,
        file: at.file,
        line: at.line,
      });
    }
  }

  /**
   * Identity as of the period's end, from the records (the home's files describe the day of the
   * export, docs/data-contract.md §4.3): an agent's `agent.created` identity, its last
   * certificate's SPIFFE id, and whether it held a token.
   */
  lifecycle(record: Record<string, unknown>, kind: string, time: RecordTime): void {
    if (time.after) return;
    const name = str(record, "agent");
    if (name === undefined) return;
    if (kind === "agent.created") {
      const identity = str(record, "identity");
      if (identity) this.#createdIdentity.set(name, identity);
    } else if (kind === "cert.issued" || kind === "cert.renewed") {
      const spiffe = str(record, "spiffe_id");
      if (spiffe) this.#recordSpiffe.set(name, spiffe);
    } else if (kind === "token.issued" || kind === "token.rotated") {
      this.#tokenAgents.add(name);
    }
  }

  finish(facts: PeriodFacts) {
    const { inputs } = this.#ctx;
    const missing: string[] = [];
    const noPolicyRecords = this.#policy.recordsSeen === 0;
    if (!inputs.policy && noPolicyRecords) missing.push("policy.yaml (and no policy.changed records)");
    const fromFile = (): PolicySnapshot | null =>
      inputs.policy
        ? {
            version: inputs.policy.version,
            sha256: inputs.policy.sha256,
            source: "policy.yaml" as const,
            as_of: null,
            ...boundSnapshot(inputs.policy.snapshot),
          }
        : null;
    const atStart = this.#policy.atStart
      ? snapshotOf(this.#policy.atStart)
      : noPolicyRecords
        ? fromFile()
        : null;
    const latest = this.#policy.latest;
    const atEnd = latest
      ? snapshotOf(latest)
      : noPolicyRecords || !this.#policy.changedAfterPeriod
        ? fromFile()
        : null;
    if (!atStart && !noPolicyRecords)
      missing.push("policy in force at the start of the period (no policy.changed record before it)");

    const agents = sortStrings(this.#agents.keys()).map((name) => {
      const a = this.#agents.get(name) as AgentAccess;
      // Today's files count only for a credential that existed by the period's end.
      const fileCert = inputs.agentCerts?.get(name);
      const cert =
        fileCert && Date.parse(fileCert.not_before) < this.#ctx.period.endMs ? fileCert : undefined;
      const spiffe = this.#recordSpiffe.get(name) ?? cert?.spiffe_id ?? null;
      const hadToken =
        this.#tokenAgents.has(name) ||
        (inputs.tokens ?? []).some(
          (t) =>
            t.agent === name && (t.created_at === null || Date.parse(t.created_at) < this.#ctx.period.endMs),
        );
      const identity =
        a.identity ??
        this.#createdIdentity.get(name) ??
        (spiffe !== null ? "mtls" : hadToken ? "token" : "unknown");
      return {
        name,
        identity_type: identity === "mtls" || identity === "token" ? identity : ("unknown" as const),
        spiffe_id: spiffe ?? (identity === "mtls" ? `spiffe://iddio.local/agent/${name}` : null),
        first_seen: a.firstSeen,
        last_seen: a.lastSeen,
        total_requests: a.total,
        by_tier: { "0": a.byTier[0], "1": a.byTier[1], "2": a.byTier[2], "3": a.byTier[3], "4": a.byTier[4] },
        by_decision: { allow: a.allow, escalate: a.escalate, deny: a.deny },
        namespaces: sortStrings(a.namespaces),
        protocols: sortStrings(a.protocols),
      };
    });
    const unknownIdentity = agents.filter((a) => a.identity_type === "unknown").length;
    this.#denied.close();
    const assessment = new Assessment((pointer) => this.#ctx.listLocation("cc61", pointer));
    const truncated = [atStart, atEnd].filter((p) => p?.snapshot_truncated).length;
    assessment.add(
      "attention",
      "policy_snapshot_truncated",
      truncated,
      `${truncated} policy snapshot(s) were too deep or too large to copy whole and were cut (their sha256 still stands for the whole policy)`,
      "/policy",
    );
    assessment.add(
      "attention",
      "unknown_identity",
      unknownIdentity,
      `${unknownIdentity} agent(s) made requests with no known identity (neither mTLS certificate nor token)`,
      "/agents",
    );
    return {
      criterion: "CC6.1",
      title: "Logical access security",
      period: this.#ctx.periodHeader,
      ...assessment.result(facts, missing),
      missing_inputs: missing,
      population: {
        command_events: this.#commandEvents,
        agents: agents.length,
        denied_requests: this.#denied.total,
        denied_of_command_events: ofTotal(this.#denied.total, this.#commandEvents),
      },
      agents,
      policy: {
        at_start: atStart,
        at_end: atEnd,
        changes: this.#policy.changes.map((c) => ({
          timestamp: c.timestamp,
          version: c.version,
          sha256: c.sha256,
          actor: c.actor,
        })),
      },
      denied_requests: { total: this.#denied.total, items: this.#denied },
    };
  }
}

interface PolicySnapshot {
  version: string | null;
  sha256: string | null;
  source: "policy.changed" | "policy.yaml";
  as_of: string | null;
  snapshot: unknown;
  snapshot_truncated: SnapshotTruncation | null;
}

function snapshotOf(v: PolicyVersion): PolicySnapshot {
  return {
    version: v.version,
    sha256: v.sha256,
    source: "policy.changed",
    as_of: v.timestamp,
    snapshot: v.snapshot,
    snapshot_truncated: v.snapshot_truncated,
  };
}
