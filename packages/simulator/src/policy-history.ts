import { createHash } from "node:crypto";
import { goMarshalValue, lifecycleFields } from "@iddio-compliance/schema";
import type { Roster } from "./agents.ts";
import { NAMESPACES } from "./agents.ts";
import { clonePolicy, initialRules, type PolicyDocument } from "./policy.ts";
import type { Random } from "./random.ts";
import type { SilentGap } from "./rhythm.ts";
import { outsideGap, type Scheduled, workingTime } from "./schedule.ts";
import { DAY, HOUR, MINUTE, rfc3339 } from "./time.ts";

/** The SHA-256 a `policy.changed` record carries: hex digest of the snapshot as Go marshals it. */
function policySha256(policy: PolicyDocument): string {
  return createHash("sha256").update(goMarshalValue(policy)).digest("hex");
}

/** The `policy.changed` record that puts `policy` in force at `at`, by `actor`. */
export function policyChange(at: number, actor: string, policy: PolicyDocument): Scheduled {
  return {
    at,
    record: {
      event: "policy.changed",
      timestamp: rfc3339(at),
      version: policy.version,
      sha256: policySha256(policy),
      actor,
      snapshot: policy,
    },
    fields: lifecycleFields("policy.changed"),
    effect: { type: "policy", policy },
  };
}

/** The policy's history: records to write and the document in force at the end. */
export interface PolicyHistory {
  readonly scheduled: Scheduled[];
  readonly initial: PolicyDocument;
  readonly final: PolicyDocument;
}

/** Inputs of {@link planPolicyHistory}. */
export interface PolicyInput {
  readonly setupStart: number;
  readonly from: number;
  readonly end: number;
  readonly gap: SilentGap | undefined;
  /** When the late joiner is created (its rules follow shortly after). */
  readonly lateJoinerCreated: number;
  /** When the removed agent is removed (its rules are deleted a little later). */
  readonly removedAt: number;
}

type Mutation = { readonly at: number; readonly actor: string; readonly apply: (p: PolicyDocument) => void };

/** Plans `policy.changed` records: the initial policy at setup, then several edits in the period. */
export function planPolicyHistory(random: Random, roster: Roster, input: PolicyInput): PolicyHistory {
  const days = (input.end - input.from) / DAY;
  const when = (fraction: number) =>
    outsideGap(workingTime(random, input.from + fraction * days * DAY), input.gap);
  const { lateJoiner, removed } = roster.roles;
  const initial: PolicyDocument = { version: "v1", default: "deny", agents: {} };
  for (const agent of roster.agents) {
    if (agent.name !== lateJoiner) initial.agents[agent.name] = { rules: initialRules(agent) };
  }
  const rule = (p: PolicyDocument, agent: string, protocol: string) =>
    p.agents[agent]?.rules.find((r) => r.protocol === protocol);

  const mutations: Mutation[] = [
    {
      at: when(0.12),
      actor: "alice.nguyen@acme.example",
      apply: (p) => {
        const k8s = rule(p, "claude-code", "kubernetes");
        const extra = NAMESPACES.find((ns) => k8s?.namespaces !== undefined && !k8s.namespaces.includes(ns));
        if (k8s?.namespaces !== undefined && extra !== undefined) k8s.namespaces.push(extra);
      },
    },
    {
      at: outsideGap(input.lateJoinerCreated + random.int(10, 40) * MINUTE, input.gap),
      actor: "bob.okafor@acme.example",
      apply: (p) => {
        const agent = roster.agents.find((a) => a.name === lateJoiner);
        if (agent !== undefined) p.agents[lateJoiner] = { rules: initialRules(agent) };
      },
    },
    {
      at: when(0.38),
      actor: "carlos.díaz@acme.example",
      apply: (p) => {
        // Ship faster: deploy-bot's Helm upgrades no longer wait for a human.
        const helm = rule(p, "deploy-bot", "helm");
        if (helm !== undefined) helm.tiers["2"] = "allow";
      },
    },
    {
      at: when(0.5),
      actor: "security@acme.example",
      apply: (p) => {
        // After an incident review: no more MCP writes for this bot, and no ad-hoc break-glass.
        const mcp = rule(p, "=sum(a1+a2)-bot", "mcp");
        if (mcp !== undefined) mcp.tiers["2"] = "deny";
      },
    },
    {
      at: outsideGap(input.removedAt + random.int(1, 3) * HOUR, input.gap),
      actor: "bob.okafor@acme.example",
      apply: (p) => {
        delete p.agents[removed];
      },
    },
    {
      at: when(0.82),
      actor: "gitops:platform-policies@4f2a9c1",
      apply: (p) => {
        const agent = p.agents["claude-code"];
        if (agent !== undefined && rule(p, "claude-code", "aws") === undefined) {
          agent.rules.push({
            protocol: "aws",
            services: ["ec2", "cloudwatch"],
            regions: ["eu-west-1"],
            accounts: ["444455556666"],
            tiers: { "0": "allow", "1": "deny", "2": "deny", "3": "deny", "4": "deny" },
          });
        }
      },
    },
  ];
  mutations.sort((a, b) => a.at - b.at);

  const scheduled: Scheduled[] = [];
  scheduled.push(policyChange(input.setupStart + 2 * MINUTE, "alice.nguyen@acme.example", initial));
  let current = initial;
  let version = 1;
  for (const m of mutations) {
    if (m.at >= input.end) continue;
    const next = clonePolicy(current);
    m.apply(next);
    version++;
    next.version = `v${version}`;
    scheduled.push(policyChange(m.at, m.actor, next));
    current = next;
  }
  return { scheduled, initial, final: current };
}
