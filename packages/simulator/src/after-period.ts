import { lifecycleFields } from "@iddio-compliance/schema";
import { AFTER_PERIOD_AGENT, type Roster } from "./agents.ts";
import { keyPairFromSeed } from "./certificates.ts";
import {
  CERT_LIFETIME,
  type CredentialPlan,
  certificateRecord,
  issueAgentCertificate,
  issueProxyCertificate,
  type TokenEntry,
  tokenFingerprint,
} from "./credentials.ts";
import { clonePolicy, initialRules, type PolicyDocument } from "./policy.ts";
import { policyChange } from "./policy-history.ts";
import type { Random } from "./random.ts";
import type { Scheduled } from "./schedule.ts";
import { DAY, MINUTE, rfc3339, SECOND } from "./time.ts";

/** One credential or agent change written after the period. */
export interface AfterPeriodChange {
  /** The record kind: `token.rotated`, `agent.created`, `cert.renewed`, … */
  readonly event: string;
  /** The agent (`proxy` for the proxy's certificate). */
  readonly agent: string;
  /** When it happened (epoch ms). */
  readonly at: number;
}

/** What changes after the period and the home's state after it. */
export interface AfterPeriodPlan {
  readonly scheduled: readonly Scheduled[];
  /** Tokens and certificates after the changes: what the home's files hold. */
  readonly credentials: CredentialPlan;
  /** The policy after the changes: what `policy.yaml` holds. */
  readonly policy: PolicyDocument;
  /** The agent created after the period. */
  readonly created: string;
  /** The changes, in time order. */
  readonly changes: readonly AfterPeriodChange[];
}

/** Inputs of {@link planAfterPeriod}. */
export interface AfterPeriodInput {
  /** First instant after the period, in every zone it may be read in. */
  readonly start: number;
  /** End of the log (exclusive); at least ten hours after `start`. */
  readonly end: number;
  /** The credentials at the period's end. */
  readonly credentials: CredentialPlan;
  /** The policy at the period's end. */
  readonly policy: PolicyDocument;
  readonly roster: Roster;
}

const OPERATOR = "bob.okafor@acme.example";

/**
 * Plans the changes after the period that a past period's evidence must not show, spread over
 * `[start, end)`: one second after the period the never-rotated token is rotated (so
 * `tokens.yaml` no longer shows a stale token); an agent is created with its token and
 * certificate, and a policy rule; the proxy's certificate and the expiring agent certificate are
 * renewed (so the files no longer show it expiring); another agent is removed, its token and
 * certificate revoked and its rules deleted; `claude-code`'s token is rotated and its certificate
 * renewed.
 */
export function planAfterPeriod(random: Random, input: AfterPeriodInput): AfterPeriodPlan {
  const window = input.end - input.start;
  const when = (fraction: number) =>
    input.start + Math.max(SECOND, Math.floor((fraction * window) / SECOND) * SECOND);
  const { roles } = input.roster;
  const tokens = new Map<string, TokenEntry>(input.credentials.tokens.map((t) => [t.agent, t]));
  const certificates = new Map(input.credentials.agentCertificates);
  let proxyCertificate = input.credentials.proxyCertificate;
  let policy = input.policy;
  const scheduled: Scheduled[] = [];
  let keyCounter = 0;
  const keys = (label: string) => keyPairFromSeed(random.bytes32(`after/${label}/${keyCounter++}`));
  const serial = () => Buffer.from(random.hex(32), "hex");

  const push = (at: number, record: Record<string, unknown>, effect?: Scheduled["effect"]) => {
    scheduled.push({
      at,
      record: { ...record, timestamp: rfc3339(at) },
      fields: lifecycleFields(String(record.event)),
      ...(effect === undefined ? {} : { effect }),
    });
  };
  const rotateToken = (at: number, agent: string) => {
    const previous = tokens.get(agent);
    if (previous === undefined) return;
    const token = `iddio_${random.hex(32)}`;
    push(at, {
      event: "token.rotated",
      agent,
      fingerprint: tokenFingerprint(token),
      previous_fingerprint: tokenFingerprint(previous.token),
    });
    tokens.set(agent, { agent, token, created_at: rfc3339(at) });
  };
  const renewAgent = (at: number, agent: string) => {
    if (!certificates.has(agent)) return;
    const cert = issueAgentCertificate(
      input.credentials.ca,
      agent,
      keys(agent),
      serial(),
      at,
      at + CERT_LIFETIME,
    );
    push(at, certificateRecord("cert.renewed", agent, cert));
    certificates.set(agent, cert);
  };
  const changePolicy = (at: number, change: (p: PolicyDocument) => void) => {
    const next = clonePolicy(policy);
    change(next);
    next.version = `v${Number(policy.version.replace(/^v/, "")) + 1}`;
    scheduled.push(policyChange(at, OPERATOR, next));
    policy = next;
  };

  rotateToken(when(0), roles.staleToken);

  const created = AFTER_PERIOD_AGENT.name;
  const joined = when(0.1);
  push(
    joined,
    { event: "agent.created", agent: created, identity: AFTER_PERIOD_AGENT.identity },
    {
      type: "agent-created",
      agent: created,
    },
  );
  const token = `iddio_${random.hex(32)}`;
  push(joined + 20 * SECOND, { event: "token.issued", agent: created, fingerprint: tokenFingerprint(token) });
  tokens.set(created, { agent: created, token, created_at: rfc3339(joined + 20 * SECOND) });
  const first = issueAgentCertificate(
    input.credentials.ca,
    created,
    keys(created),
    serial(),
    joined + 40 * SECOND,
    joined + 40 * SECOND + CERT_LIFETIME,
  );
  push(joined + 40 * SECOND, certificateRecord("cert.issued", created, first));
  certificates.set(created, first);
  changePolicy(joined + 15 * MINUTE, (p) => {
    p.agents[created] = { rules: initialRules(AFTER_PERIOD_AGENT) };
  });

  // Renewed before it expires (it expires 8 to 25 days after the period).
  renewAgent(Math.min(when(0.2), input.start + 6 * DAY), roles.expiringCertificate);

  const proxyAt = when(0.3);
  proxyCertificate = issueProxyCertificate(input.credentials.ca, keys("proxy"), serial(), proxyAt);
  push(proxyAt, certificateRecord("cert.renewed", "proxy", proxyCertificate));

  const candidates = [...certificates.keys()].filter(
    (a) => a !== "claude-code" && a !== created && a !== roles.staleToken && a !== roles.expiringCertificate,
  );
  if (candidates.length > 0) {
    const removed = random.pick(candidates);
    const at = when(0.5);
    push(
      at,
      { event: "agent.removed", agent: removed, actor: OPERATOR },
      { type: "agent-removed", agent: removed },
    );
    const revoked = tokens.get(removed);
    if (revoked !== undefined) {
      push(at + 30 * SECOND, {
        event: "token.revoked",
        agent: removed,
        fingerprint: tokenFingerprint(revoked.token),
      });
      tokens.delete(removed);
    }
    const cert = certificates.get(removed);
    if (cert !== undefined) {
      push(at + 45 * SECOND, certificateRecord("cert.revoked", removed, cert));
      certificates.delete(removed);
    }
    changePolicy(at + 2 * MINUTE, (p) => {
      delete p.agents[removed];
    });
  }

  rotateToken(when(0.7), "claude-code");
  renewAgent(when(0.8), "claude-code");

  const ordered = scheduled
    .map((s, index) => ({ s, index }))
    .sort((a, b) => a.s.at - b.s.at || a.index - b.index)
    .map(({ s }) => s);
  return {
    scheduled: ordered,
    credentials: {
      ...input.credentials,
      proxyCertificate,
      agentCertificates: certificates,
      tokens: [...tokens.values()],
    },
    policy,
    created,
    changes: ordered
      .filter((s) => s.record.event !== "policy.changed")
      .map((s) => ({ event: String(s.record.event), agent: String(s.record.agent), at: s.at })),
  };
}
