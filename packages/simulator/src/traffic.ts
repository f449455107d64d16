import type { AgentProfile, Protocol, Roster } from "./agents.ts";
import { NAMESPACES } from "./agents.ts";
import { anyTarget, buildOperation, type Operation, type Target } from "./operations.ts";
import {
  type Decision,
  decide,
  globMatch,
  INVENTORY,
  type PolicyDocument,
  ruleFor,
  type Tier,
} from "./policy.ts";
import type { Random } from "./random.ts";
import { HOUR_WEIGHTS } from "./rhythm.ts";
import { HOUR, rfc3339 } from "./time.ts";

/** A command audit event before the chain fields are added (docs/data-contract.md §1.1). */
export type CommandEvent = {
  timestamp: string;
  agent: string;
  method: string;
  path: string;
  namespace?: string;
  resource?: string;
  tier: Tier;
  decision: Decision;
  latency_us: number;
  protocol?: Protocol;
  host?: string;
  principal?: string;
  command?: string;
  exit_code?: number;
  session_id?: string;
  identity?: "mtls" | "token";
  request_id?: string;
  approval?: "granted" | "denied" | "expired";
  approver?: string;
  approval_wait_ms?: number;
  policy_version?: string;
};

/** A recorded session started by a command event. */
export interface SessionStart {
  readonly type: "exec" | "api";
  readonly sessionId: string;
  readonly agent: string;
  readonly start: number;
  readonly event: CommandEvent;
  readonly pod?: string;
  readonly namespace?: string;
}

/** One generated request: the event and what it sets off. */
export interface GeneratedRequest {
  readonly event: CommandEvent;
  /** A just-in-time credential minted for the request (`jit.issued` fields). */
  readonly jit?: {
    readonly kind: "k8s-token" | "ssh-cert";
    readonly namespace?: string;
    readonly host?: string;
  };
  readonly session?: SessionStart;
}

/** People (and bots) who answer escalations; one has a non-ASCII name. */
const APPROVERS: readonly (readonly [string, number])[] = [
  ["alice.nguyen@acme.example", 5],
  ["bob.okafor@acme.example", 4],
  ["chen.wei@acme.example", 3],
  ["zoë.müller@acme.example", 2],
  ["slack:U04PLATFORM", 1],
];

const TIER_WEIGHTS: readonly (readonly [Tier, number])[] = [
  [0, 0.903],
  [1, 0.04],
  [2, 0.03],
  [3, 0.02],
  [4, 0.007],
];

const BATCH_HOUR_WEIGHT = HOUR_WEIGHTS.reduce((a, b) => a + b, 0) / HOUR_WEIGHTS.length;

interface AgentScope {
  readonly namespaces: readonly string[];
  readonly hosts: readonly string[];
  readonly principals: readonly string[];
  readonly workspaces: readonly string[];
  readonly regions: readonly string[];
  readonly accounts: readonly string[];
}

function concrete(
  patterns: readonly string[] | undefined,
  universe: readonly string[],
  fallback: readonly string[],
): string[] {
  if (patterns === undefined) return [...fallback];
  const out = universe.filter((v) => patterns.some((p) => globMatch(p, v)));
  return out.length > 0 ? out : [...fallback];
}

/** Options of the traffic generator. */
export interface TrafficOptions {
  /** Probability that an allowed Kubernetes request opens a recorded API session. */
  readonly apiSessionRate: number;
  /** Whether some SSH command lines are multi-line and spreadsheet-hostile. */
  readonly awkwardCommands?: boolean;
}

/** How an escalation ends; `unresolved` means no outcome is ever written. */
export type Outcome = "granted" | "denied" | "expired" | "unresolved";

/** Draws before {@link TrafficGenerator.nextEscalation} gives up (a denied escalation is about 1 in 300). */
const ESCALATION_DRAWS = 100_000;

/**
 * Generates command events one at a time, in the order of the times it is given. Which agents are
 * active, which policy is in force and whether the proxy writes `protocol` are set from outside as
 * the timeline moves on.
 */
export class TrafficGenerator {
  readonly #random: Random;
  readonly #agents: ReadonlyMap<string, AgentProfile>;
  readonly #options: TrafficOptions;
  #policy: PolicyDocument | undefined;
  #scopes = new Map<string, AgentScope>();
  #active: AgentProfile[] = [];
  #byHour: (readonly (readonly [AgentProfile, number])[])[] = [];
  #protocolField = false;

  constructor(random: Random, roster: Roster, options: TrafficOptions) {
    this.#random = random;
    this.#agents = new Map(roster.agents.map((a) => [a.name, a]));
    this.#options = options;
  }

  /** The policy now in force. */
  setPolicy(policy: PolicyDocument): void {
    this.#policy = policy;
    this.#scopes.clear();
  }

  /** The agents that exist now (created and not removed). */
  setActive(names: Iterable<string>): void {
    const set = new Set(names);
    this.#active = [...this.#agents.values()].filter((a) => set.has(a.name));
    this.#byHour = HOUR_WEIGHTS.map((hw) =>
      this.#active.map((a) => [a, a.weight * (a.rhythm === "interactive" ? hw : BATCH_HOUR_WEIGHT)] as const),
    );
  }

  /** Whether events name their protocol even for Kubernetes (newer proxy versions do). */
  setProtocolField(on: boolean): void {
    this.#protocolField = on;
  }

  /** Whether any agent can send traffic now. */
  get hasActiveAgents(): boolean {
    return this.#active.length > 0;
  }

  #scope(agent: AgentProfile): AgentScope {
    const cached = this.#scopes.get(agent.name);
    if (cached !== undefined) return cached;
    const policy = this.#requirePolicy();
    const k8s = ruleFor(policy, agent.name, "kubernetes") ?? ruleFor(policy, agent.name, "helm");
    const ssh = ruleFor(policy, agent.name, "ssh");
    const tf = ruleFor(policy, agent.name, "terraform");
    const aws = ruleFor(policy, agent.name, "aws");
    const scope: AgentScope = {
      namespaces: concrete(k8s?.namespaces, NAMESPACES, ["staging"]),
      hosts: concrete(ssh?.hosts, INVENTORY.hosts, ["staging-web-01"]),
      principals: ssh?.ssh_principals ?? ["deploy"],
      workspaces: concrete(tf?.workspaces, INVENTORY.workspaces, ["staging-payments"]),
      regions: aws?.regions ?? ["eu-west-1"],
      accounts: aws?.accounts ?? ["444455556666"],
    };
    this.#scopes.set(agent.name, scope);
    return scope;
  }

  #requirePolicy(): PolicyDocument {
    if (this.#policy === undefined) throw new Error("simulator: internal: no policy in force");
    return this.#policy;
  }

  /** Generates the request decided at `time`. */
  next(time: number): GeneratedRequest {
    const random = this.#random;
    const policy = this.#requirePolicy();
    const hour = Math.floor((time % (24 * HOUR)) / HOUR);
    const agent = random.weighted(this.#byHour[hour] ?? []);
    // A small share of requests probe outside the agent's grant: another protocol or target.
    const probe = random.chance(0.015);
    const protocol: Protocol = probe
      ? random.pick(["kubernetes", "ssh", "terraform", "helm", "aws", "mcp"] as const)
      : random.weighted(agent.protocols);
    let target: Target;
    if (probe) {
      target = anyTarget(random);
    } else {
      const s = this.#scope(agent);
      target = {
        namespace: random.pick(s.namespaces),
        host: random.pick(s.hosts),
        principal: random.pick(s.principals),
        workspace: random.pick(s.workspaces),
        region: random.pick(s.regions),
        account: random.pick(s.accounts),
      };
    }
    const tier = random.weighted(TIER_WEIGHTS);
    const op = buildOperation(random, protocol, tier, target, this.#options.awkwardCommands);
    const decision = decide(policy, agent.name, protocol, op.scope, tier);
    const event = this.#event(time, agent, protocol, tier, op, decision);
    const ran = decision === "allow" || event.approval === "granted";
    let jit: GeneratedRequest["jit"];
    let session: SessionStart | undefined;
    if (ran && protocol === "kubernetes" && tier >= 1 && op.namespace !== undefined) {
      jit = { kind: "k8s-token", namespace: op.namespace };
    } else if (ran && protocol === "ssh" && op.host !== undefined && random.chance(0.35)) {
      jit = { kind: "ssh-cert", host: op.host };
    }
    if (ran && op.interactive !== undefined) {
      event.session_id = `ses_${random.hex(16)}`;
      session = {
        type: "exec",
        sessionId: event.session_id,
        agent: agent.name,
        start: time,
        event,
        ...op.interactive,
      };
    } else if (ran && protocol === "kubernetes" && random.chance(this.#options.apiSessionRate)) {
      event.session_id = `ses_${random.hex(16)}`;
      session = { type: "api", sessionId: event.session_id, agent: agent.name, start: time, event };
    }
    return { event, ...(jit === undefined ? {} : { jit }), ...(session === undefined ? {} : { session }) };
  }

  /**
   * Generates an escalated request at `time` that ends with `outcome`: requests are drawn until
   * one is escalated with that outcome, so what follows from it (exit code, JIT, session) agrees.
   */
  nextEscalation(time: number, outcome: Outcome): GeneratedRequest {
    for (let draw = 0; draw < ESCALATION_DRAWS; draw++) {
      const request = this.next(time);
      const event = request.event;
      if (event.decision !== "escalate") continue;
      if (outcome !== "unresolved") {
        if (event.approval === outcome) return request;
      } else if (event.approval !== "granted") {
        event.approval = undefined;
        event.approver = undefined;
        event.approval_wait_ms = undefined;
        return request;
      }
    }
    throw new Error(`simulator: internal: no ${outcome} escalation in ${ESCALATION_DRAWS} draws`);
  }

  #event(
    time: number,
    agent: AgentProfile,
    protocol: Protocol,
    tier: Tier,
    op: Operation,
    decision: Decision,
  ): CommandEvent {
    const random = this.#random;
    const base = protocol === "kubernetes" ? 160 : protocol === "mcp" ? 260 : 420;
    const event: CommandEvent = {
      timestamp: rfc3339(time),
      agent: agent.name,
      method: op.method,
      path: op.path,
      namespace: op.namespace,
      resource: op.resource,
      tier,
      decision,
      latency_us: Math.max(35, Math.round(random.logNormal(base + tier * 40, 0.55))),
      protocol: protocol === "kubernetes" && !this.#protocolField ? undefined : protocol,
      host: op.host,
      principal: op.principal,
      command: op.command,
      identity: agent.identity,
      policy_version: this.#requirePolicy().version,
    };
    if (decision === "escalate") {
      event.request_id = `esc_${random.hex(8)}`;
      const outcome = random.weighted([
        ["granted", 0.874],
        ["denied", 0.07],
        ["expired", 0.05],
        ["unresolved", 0.006],
      ] as const);
      if (outcome === "expired") {
        event.approval = "expired";
        event.approval_wait_ms = 60_000 + random.int(0, 45);
      } else if (outcome !== "unresolved") {
        event.approval = outcome;
        event.approver = random.weighted(APPROVERS);
        event.approval_wait_ms = Math.min(59_000, Math.max(1_200, Math.round(random.logNormal(16_000, 0.8))));
      }
    }
    if (
      (decision === "allow" || event.approval === "granted") &&
      protocol !== "kubernetes" &&
      protocol !== "mcp"
    ) {
      // `exit_code` is a *int in Go: present (0 included) exactly when the command ran.
      event.exit_code = random.chance(0.94) ? 0 : random.pick([1, 2, 127, 130]);
    }
    return event;
  }
}
