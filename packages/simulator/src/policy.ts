import { Document, isMap, isSeq, visit } from "yaml";
import type { AgentProfile, Protocol } from "./agents.ts";

/** A policy decision (docs/data-contract.md §1.1). */
export type Decision = "allow" | "escalate" | "deny";

/** A risk tier: 0 OBSERVE, 1 OPERATE, 2 MODIFY, 3 SENSITIVE, 4 BREAK-GLASS. */
export type Tier = 0 | 1 | 2 | 3 | 4;

/** The scope fields a rule may carry (iddio's multi-protocol policy, plus `tools` for MCP). */
const SCOPE_FIELDS = [
  "namespaces",
  "hosts",
  "ssh_principals",
  "workspaces",
  "releases",
  "services",
  "regions",
  "accounts",
  "tools",
] as const;

/** One scope field name. */
export type ScopeField = (typeof SCOPE_FIELDS)[number];

/** One rule of `policy.yaml`. */
export interface PolicyRule {
  protocol: Protocol;
  namespaces?: string[];
  hosts?: string[];
  ssh_principals?: string[];
  workspaces?: string[];
  releases?: string[];
  services?: string[];
  regions?: string[];
  accounts?: string[];
  tools?: string[];
  tiers: Record<"0" | "1" | "2" | "3" | "4", Decision>;
}

/** The policy document: `policy.yaml`, and the `snapshot` of a `policy.changed` record. */
export interface PolicyDocument {
  version: string;
  default: Decision;
  agents: Record<string, { rules: PolicyRule[] }>;
}

/** What a request touches, matched against a rule's scope fields. */
export type RequestScope = Partial<Record<ScopeField, string>>;

/** Simulated infrastructure the policies point at. */
export const INVENTORY = {
  hosts: [
    "prod-web-01",
    "prod-web-02",
    "prod-web-03",
    "prod-web-04",
    "prod-db-01",
    "prod-db-02",
    "bastion-1",
    "staging-web-01",
    "staging-web-02",
    "build-runner-01",
  ],
  workspaces: ["staging-payments", "staging-search", "prod-payments", "prod-network", "shared-iam"],
  services: ["ec2", "s3", "rds", "iam", "cloudwatch", "eks", "ce"],
  regions: ["eu-west-1", "us-east-1"],
  accounts: ["111122223333", "444455556666"],
  tools: [
    "github.create_pull_request",
    "github.get_file_contents",
    "github.create_issue",
    "slack.post_message",
    "filesystem.read_file",
    "jira.create_issue",
    "web.fetch",
    "postgres.query",
  ],
} as const;

function tiers(t2: Decision, t3: Decision, t4: Decision): PolicyRule["tiers"] {
  return { "0": "allow", "1": "allow", "2": t2, "3": t3, "4": t4 };
}

/** The rules an agent starts with, one per protocol it uses. */
export function initialRules(agent: AgentProfile): PolicyRule[] {
  const t4: Decision = agent.breakGlass ? "escalate" : "deny";
  const namespaces = agent.namespaces.length > 0 ? [...agent.namespaces] : ["staging"];
  const rules: PolicyRule[] = [];
  for (const [protocol] of agent.protocols) {
    switch (protocol) {
      case "kubernetes":
        rules.push({ protocol, namespaces, tiers: tiers("escalate", "escalate", t4) });
        break;
      case "ssh":
        rules.push({
          protocol,
          hosts:
            agent.breakGlass || agent.name === "db-migrator"
              ? ["prod-web-*", "prod-db-*", "bastion-?"]
              : ["prod-web-*", "staging-web-*"],
          ssh_principals: agent.name === "db-migrator" ? ["deploy", "postgres"] : ["deploy", "ubuntu"],
          tiers: tiers("escalate", "escalate", t4),
        });
        break;
      case "terraform":
        rules.push({
          protocol,
          workspaces: agent.name === "terraform-runner" ? ["staging-*", "prod-*"] : ["staging-*"],
          tiers: tiers("escalate", "escalate", "deny"),
        });
        break;
      case "helm":
        rules.push({ protocol, namespaces, releases: ["*"], tiers: tiers("escalate", "escalate", "deny") });
        break;
      case "aws":
        rules.push({
          protocol,
          services:
            agent.name === "security-scanner"
              ? ["ec2", "s3", "iam", "cloudwatch"]
              : ["ec2", "s3", "rds", "cloudwatch", "ce"],
          regions: ["eu-west-1", "us-east-1"],
          accounts: ["111122223333", "444455556666"],
          tiers: tiers("escalate", "escalate", "deny"),
        });
        break;
      case "mcp":
        rules.push({
          protocol,
          tools: ["github.*", "slack.post_message", "filesystem.read_file", "jira.*", "web.fetch"],
          tiers: tiers("escalate", "deny", "deny"),
        });
        break;
    }
  }
  return rules;
}

/** A deep copy of a policy document. */
export function clonePolicy(policy: PolicyDocument): PolicyDocument {
  return structuredClone(policy);
}

const globCache = new Map<string, RegExp>();

/** Whether `value` matches a glob with `*` and `?` (iddio's scope syntax). */
export function globMatch(pattern: string, value: string): boolean {
  let re = globCache.get(pattern);
  if (re === undefined) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`);
    globCache.set(pattern, re);
  }
  return re.test(value);
}

function ruleMatches(rule: PolicyRule, scope: RequestScope): boolean {
  for (const field of SCOPE_FIELDS) {
    const patterns = rule[field];
    const value = scope[field];
    if (patterns === undefined || value === undefined) continue;
    if (!patterns.some((p) => globMatch(p, value))) return false;
  }
  return true;
}

/** The decision a policy gives: first matching rule's tier entry, else the policy default. */
export function decide(
  policy: PolicyDocument,
  agent: string,
  protocol: Protocol,
  scope: RequestScope,
  tier: Tier,
): Decision {
  const entry = policy.agents[agent];
  if (entry === undefined) return policy.default;
  for (const rule of entry.rules) {
    if (rule.protocol !== protocol || !ruleMatches(rule, scope)) continue;
    return rule.tiers[String(tier) as keyof PolicyRule["tiers"]] ?? policy.default;
  }
  return policy.default;
}

/** The rule an agent has for a protocol, if any. */
export function ruleFor(policy: PolicyDocument, agent: string, protocol: Protocol): PolicyRule | undefined {
  return policy.agents[agent]?.rules.find((r) => r.protocol === protocol);
}

/** Renders `policy.yaml` in iddio's documented shape (tiers keyed by integers, flow-style lists). */
export function renderPolicyYaml(policy: PolicyDocument): string {
  const agents: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(policy.agents)) {
    agents[name] = {
      rules: entry.rules.map((rule) => {
        const out: Record<string, unknown> = { protocol: rule.protocol };
        for (const field of SCOPE_FIELDS) if (rule[field] !== undefined) out[field] = rule[field];
        out.tiers = new Map(Object.entries(rule.tiers).map(([k, v]) => [Number(k), v]));
        return out;
      }),
    };
  }
  const doc = new Document({ version: policy.version, default: policy.default, agents });
  visit(doc, {
    Pair(_, pair) {
      const key = (pair.key as { value?: unknown } | null)?.value;
      if ((key === "tiers" && isMap(pair.value)) || (isSeq(pair.value) && key !== "rules")) {
        (pair.value as { flow: boolean }).flow = true;
      }
    },
  });
  const header = "# iddio policy: the decision for each agent, protocol, scope and risk tier.\n";
  return header + doc.toString({ lineWidth: 0 });
}
