import { AWKWARD_AGENT_NAMES } from "./awkward.ts";
import type { Random } from "./random.ts";
import { SimulatorError } from "./simulator-error.ts";

/** The protocols iddio proxies (docs/data-contract.md §1.1). */
export type Protocol = "kubernetes" | "ssh" | "terraform" | "helm" | "aws" | "mcp";

/** How an agent authenticates to the proxy. */
export type Identity = "mtls" | "token";

/** When an agent works: business hours (people driving it) or around the clock (schedulers). */
export type Rhythm = "interactive" | "batch";

/** A simulated agent and the habits its traffic follows. */
export interface AgentProfile {
  readonly name: string;
  readonly identity: Identity;
  readonly rhythm: Rhythm;
  /** Relative share of all traffic. */
  readonly weight: number;
  /** Protocol mix, relative weights. */
  readonly protocols: readonly (readonly [Protocol, number])[];
  /** Kubernetes / Helm namespaces granted at the start. */
  readonly namespaces: readonly string[];
  /** May ask for break-glass (tier 4) actions: its policy escalates tier 4 instead of denying it. */
  readonly breakGlass: boolean;
}

/** The special parts agents play in the story of the period. */
export interface AgentRoles {
  /** Its token is issued during setup and never rotated (a CC6.2 finding). */
  readonly staleToken: string;
  /** Its certificate is not renewed and expires within 30 days after the period. */
  readonly expiringCertificate: string;
  /** Created during the period (absent at its start). */
  readonly lateJoiner: string;
  /** Removed during the period: token and certificate revoked. */
  readonly removed: string;
}

/** The agents of a home and their roles. */
export interface Roster {
  readonly agents: readonly AgentProfile[];
  readonly roles: AgentRoles;
}

/** Namespaces of the simulated cluster. */
export const NAMESPACES: readonly string[] = [
  "payments",
  "api-gateway",
  "monitoring",
  "checkout",
  "search",
  "data-pipeline",
  "staging",
  "kube-system",
  "ingress-nginx",
  "identity",
];

type Template = Omit<AgentProfile, "identity"> & { readonly identity?: Identity };

// Names an attacker controls reach spreadsheets: two always-present agents start with `=` and `@`
// so CSV formula neutralisation is exercised by every home.
const REQUIRED: readonly Template[] = [
  {
    name: "claude-code",
    rhythm: "interactive",
    weight: 14,
    protocols: [
      ["kubernetes", 70],
      ["ssh", 10],
      ["mcp", 12],
      ["helm", 4],
      ["terraform", 4],
    ],
    namespaces: ["payments", "api-gateway", "checkout"],
    breakGlass: false,
    identity: "mtls",
  },
  {
    name: "deploy-bot",
    rhythm: "interactive",
    weight: 8,
    protocols: [
      ["helm", 45],
      ["kubernetes", 55],
    ],
    namespaces: ["payments", "api-gateway", "checkout", "search", "staging"],
    breakGlass: false,
    identity: "token",
  },
  {
    name: "incident-copilot",
    rhythm: "batch",
    weight: 4,
    protocols: [
      ["kubernetes", 60],
      ["ssh", 30],
      ["mcp", 10],
    ],
    namespaces: ["payments", "api-gateway", "monitoring", "checkout", "ingress-nginx"],
    breakGlass: true,
    identity: "mtls",
  },
  {
    name: "@ops-runner",
    rhythm: "batch",
    weight: 3,
    protocols: [
      ["ssh", 60],
      ["kubernetes", 40],
    ],
    namespaces: ["monitoring", "kube-system"],
    breakGlass: false,
  },
  {
    name: "=sum(a1+a2)-bot",
    rhythm: "interactive",
    weight: 2,
    protocols: [
      ["kubernetes", 50],
      ["mcp", 50],
    ],
    namespaces: ["search", "staging"],
    breakGlass: false,
  },
];

const OPTIONAL: readonly Template[] = [
  {
    name: "terraform-runner",
    rhythm: "interactive",
    weight: 4,
    protocols: [
      ["terraform", 85],
      ["aws", 15],
    ],
    namespaces: [],
    breakGlass: false,
  },
  {
    name: "k8s-janitor",
    rhythm: "batch",
    weight: 5,
    protocols: [["kubernetes", 100]],
    namespaces: ["staging", "data-pipeline", "search"],
    breakGlass: false,
  },
  {
    name: "aws-inventory",
    rhythm: "batch",
    weight: 3,
    protocols: [["aws", 100]],
    namespaces: [],
    breakGlass: false,
  },
  {
    name: "cursor-agent",
    rhythm: "interactive",
    weight: 6,
    protocols: [
      ["kubernetes", 60],
      ["mcp", 40],
    ],
    namespaces: ["checkout", "search"],
    breakGlass: false,
  },
  {
    name: "codex-ci",
    rhythm: "interactive",
    weight: 5,
    protocols: [
      ["kubernetes", 50],
      ["helm", 30],
      ["terraform", 20],
    ],
    namespaces: ["staging", "api-gateway"],
    breakGlass: false,
  },
  {
    name: "log-summarizer",
    rhythm: "batch",
    weight: 6,
    protocols: [["kubernetes", 100]],
    namespaces: ["payments", "api-gateway", "checkout", "monitoring"],
    breakGlass: false,
  },
  {
    name: "security-scanner",
    rhythm: "batch",
    weight: 4,
    protocols: [
      ["kubernetes", 70],
      ["aws", 30],
    ],
    namespaces: ["payments", "identity", "kube-system"],
    breakGlass: false,
  },
  {
    name: "backup-agent",
    rhythm: "batch",
    weight: 2,
    protocols: [
      ["ssh", 70],
      ["aws", 30],
    ],
    namespaces: [],
    breakGlass: false,
  },
  {
    name: "db-migrator",
    rhythm: "interactive",
    weight: 2,
    protocols: [
      ["ssh", 50],
      ["kubernetes", 50],
    ],
    namespaces: ["payments", "data-pipeline"],
    breakGlass: false,
  },
  {
    name: "canary-analyzer",
    rhythm: "batch",
    weight: 4,
    protocols: [["kubernetes", 100]],
    namespaces: ["api-gateway", "checkout", "monitoring"],
    breakGlass: false,
  },
  {
    name: "gitops-sync",
    rhythm: "batch",
    weight: 5,
    protocols: [
      ["helm", 40],
      ["kubernetes", 60],
    ],
    namespaces: ["payments", "api-gateway", "search", "ingress-nginx"],
    breakGlass: false,
  },
  {
    name: "oncall-assistant",
    rhythm: "batch",
    weight: 3,
    protocols: [
      ["kubernetes", 55],
      ["ssh", 35],
      ["mcp", 10],
    ],
    namespaces: ["payments", "api-gateway", "monitoring"],
    breakGlass: true,
  },
  {
    name: "cost-optimizer",
    rhythm: "interactive",
    weight: 2,
    protocols: [
      ["aws", 80],
      ["kubernetes", 20],
    ],
    namespaces: ["data-pipeline"],
    breakGlass: false,
  },
  {
    name: "mcp-research-agent",
    rhythm: "interactive",
    weight: 3,
    protocols: [["mcp", 100]],
    namespaces: [],
    breakGlass: false,
  },
  {
    name: "renovate-bot",
    rhythm: "batch",
    weight: 2,
    protocols: [
      ["helm", 50],
      ["mcp", 50],
    ],
    namespaces: ["staging"],
    breakGlass: false,
  },
];

/**
 * The agent created after the period when the log continues past it (`afterDays`): evidence of
 * the period must not list it, although the home's files do.
 */
export const AFTER_PERIOD_AGENT: AgentProfile = {
  name: "release-captain",
  identity: "token",
  rhythm: "interactive",
  weight: 3,
  protocols: [
    ["kubernetes", 70],
    ["helm", 30],
  ],
  namespaces: ["staging", "checkout"],
  breakGlass: false,
};

/** The smallest and largest number of agents a home can have. */
export const MIN_AGENTS = REQUIRED.length;
export const MAX_AGENTS = REQUIRED.length + OPTIONAL.length;

/** Picks `count` agents (seeded) and assigns the roles of the story; `awkwardNames` renames the optional ones. */
export function buildRoster(random: Random, count: number, awkwardNames = false): Roster {
  if (!Number.isInteger(count) || count < MIN_AGENTS || count > MAX_AGENTS) {
    throw new SimulatorError(
      "SIMULATOR_OPTION_INVALID",
      `simulator: Option "agents" must be an integer from ${MIN_AGENTS} to ${MAX_AGENTS}, got ${count}`,
    );
  }
  const optional = random
    .shuffle(OPTIONAL)
    .slice(0, count - REQUIRED.length)
    .map((t, i) => (awkwardNames ? { ...t, name: AWKWARD_AGENT_NAMES[i] ?? t.name } : t));
  const chosen = [...REQUIRED, ...optional];
  const agents: AgentProfile[] = chosen.map((t) => ({
    ...t,
    identity: t.identity ?? (random.chance(0.6) ? "mtls" : "token"),
  }));
  // claude-code carries most of the story's traffic; the four roles go to four other agents, the
  // break-glass agent last so that it keeps working through the period when there is a choice.
  const others = random.shuffle(agents.filter((a) => a.name !== "claude-code"));
  const candidates = [...others.filter((a) => !a.breakGlass), ...others.filter((a) => a.breakGlass)];
  const [staleToken, expiringCertificate, lateJoiner, removed] = candidates.map((a) => a.name);
  if (!staleToken || !expiringCertificate || !lateJoiner || !removed) {
    throw new Error("simulator: internal: not enough agents for the roles");
  }
  const roles = { staleToken, expiringCertificate, lateJoiner, removed };
  // A removed agent authenticated with a token that gets revoked.
  const final = agents.map((a) => (a.name === removed ? { ...a, identity: "token" as const } : a));
  return { agents: final, roles };
}
