import { type GoField, lifecycleFields } from "@iddio-compliance/schema";
import type { Roster } from "./agents.ts";
import { type CredentialPlan, planCredentials } from "./credentials.ts";
import { type PolicyHistory, planPolicyHistory } from "./policy-history.ts";
import type { Random } from "./random.ts";
import type { SilentGap } from "./rhythm.ts";
import { outsideGap, type Scheduled, workingTime } from "./schedule.ts";
import { calver, DAY, HOUR, MINUTE, rfc3339 } from "./time.ts";

/**
 * A record kind this project does not know, written on purpose so that readers show they count
 * and list unrecognised kinds instead of dropping them.
 */
const UNKNOWN_KIND = "quota.exceeded";

/** The Go struct of the {@link UNKNOWN_KIND} record. */
const UNKNOWN_KIND_FIELDS: readonly GoField[] = [
  { name: "event", omitempty: false },
  { name: "timestamp", omitempty: false },
  { name: "agent", omitempty: true },
  { name: "limit", omitempty: true },
  { name: "window", omitempty: true },
  { name: "observed", omitempty: true },
  { name: "hash", omitempty: false },
  { name: "prev_hash", omitempty: false },
];

/** The proxy's id in `proxy.started` / `proxy.stopped` records. */
const PROXY_ID = "iddio-proxy-01";

/** Everything that happens in a home besides command traffic, in time order. */
export interface LifecyclePlan {
  readonly scheduled: readonly Scheduled[];
  readonly credentials: CredentialPlan;
  readonly policy: PolicyHistory;
  /** Agents that exist at some point before the end. */
  readonly agents: readonly string[];
}

/** Inputs of {@link planLifecycle}. */
export interface LifecycleInput {
  /** When `iddio init` runs: before any traffic. */
  readonly setupStart: number;
  readonly from: number;
  readonly end: number;
  readonly gap: SilentGap | undefined;
}

/**
 * Plans the lifecycle story: setup (proxy start, CA and proxy certificate, initial policy, agents
 * with tokens and certificates), then during the period a late agent, a removed agent, token
 * rotations, certificate renewals, policy edits, a proxy restart with an upgrade and one record of
 * an unknown kind.
 */
export function planLifecycle(random: Random, roster: Roster, input: LifecycleInput): LifecyclePlan {
  const days = (input.end - input.from) / DAY;
  const inPeriod = (fraction: number) =>
    outsideGap(workingTime(random, input.from + fraction * days * DAY), input.gap);
  const created = new Map<string, number>();
  const removed = new Map<string, number>();
  let t = input.setupStart + 5 * MINUTE;
  for (const agent of roster.agents) {
    if (agent.name === roster.roles.lateJoiner) continue;
    created.set(agent.name, t);
    t += random.int(2, 12) * MINUTE + random.int(0, 59) * 1000;
  }
  const lateJoinerCreated = inPeriod(0.22);
  if (lateJoinerCreated < input.end) created.set(roster.roles.lateJoiner, lateJoinerCreated);
  const removedAt = inPeriod(0.68);
  if (removedAt < input.end) removed.set(roster.roles.removed, removedAt);
  const present = { ...roster, agents: roster.agents.filter((a) => created.has(a.name)) };

  const scheduled: Scheduled[] = [];
  const push = (
    at: number,
    record: Record<string, unknown>,
    fields: readonly GoField[],
    effect?: Scheduled["effect"],
  ) => {
    scheduled.push({
      at,
      record: { ...record, timestamp: rfc3339(at) },
      fields,
      ...(effect === undefined ? {} : { effect }),
    });
  };

  const firstVersion = calver(
    input.setupStart - 3 * DAY + random.int(9, 17) * HOUR + random.int(0, 59) * MINUTE,
  );
  push(
    input.setupStart,
    { event: "proxy.started", proxy_id: PROXY_ID, version: firstVersion },
    lifecycleFields("proxy.started"),
  );
  for (const agent of present.agents) {
    const at = created.get(agent.name) ?? input.setupStart;
    push(
      at,
      { event: "agent.created", agent: agent.name, identity: agent.identity },
      lifecycleFields("agent.created"),
      {
        type: "agent-created",
        agent: agent.name,
      },
    );
  }
  for (const [name, at] of removed) {
    push(
      at,
      { event: "agent.removed", agent: name, actor: "bob.okafor@acme.example" },
      lifecycleFields("agent.removed"),
      {
        type: "agent-removed",
        agent: name,
      },
    );
  }

  // A restart to upgrade the proxy; the new version also names the protocol of Kubernetes events.
  const stop = inPeriod(0.62);
  if (stop < input.end) {
    const upgraded = calver(stop - random.int(1, 4) * DAY - random.int(0, 8) * HOUR);
    push(
      stop,
      { event: "proxy.stopped", proxy_id: PROXY_ID, version: firstVersion },
      lifecycleFields("proxy.stopped"),
    );
    push(
      stop + random.int(20, 90) * 1000,
      { event: "proxy.started", proxy_id: PROXY_ID, version: upgraded },
      lifecycleFields("proxy.started"),
      {
        type: "proxy-upgraded",
      },
    );
  }

  const quotaAt = inPeriod(0.45);
  if (quotaAt < input.end) {
    push(
      quotaAt,
      { event: UNKNOWN_KIND, agent: "claude-code", limit: 600, window: "1m", observed: random.int(640, 900) },
      UNKNOWN_KIND_FIELDS,
    );
  }

  const credentials = planCredentials(random, present, {
    setupStart: input.setupStart,
    from: input.from,
    end: input.end,
    gap: input.gap,
    times: { created, removed },
  });
  const policy = planPolicyHistory(random, roster, {
    setupStart: input.setupStart,
    from: input.from,
    end: input.end,
    gap: input.gap,
    lateJoinerCreated,
    removedAt,
  });
  const all = [...scheduled, ...credentials.scheduled, ...policy.scheduled]
    .map((s, index) => ({ s, index }))
    .sort((a, b) => a.s.at - b.s.at || a.index - b.index)
    .map(({ s }) => s);
  return { scheduled: all, credentials, policy, agents: present.agents.map((a) => a.name) };
}
