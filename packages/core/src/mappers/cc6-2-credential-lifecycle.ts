import type { CheckpointState } from "@iddio-compliance/schema";
import type { CertificateInfo } from "../sources/certificates.ts";
import { utcTimestamp } from "../time/utc-timestamp.ts";
import { Assessment, type PeriodFacts } from "./assessment.ts";
import type { CommandEvent, Mapper, MapperContext, RecordTime } from "./mapper-context.ts";
import { int, sortStrings, str } from "./mapper-context.ts";

const DAY_MS = 86_400_000;
/** A bearer token older than this without rotation is a finding. */
const TOKEN_ROTATION_DAYS = 90;
/** A certificate ending within this many days after the period is "expiring". */
const CERT_EXPIRY_WARNING_DAYS = 30;

interface TokenState {
  fingerprint: string;
  issued: string | null;
  issuedMs: number | null;
  rotated: string[];
  endMs: number | null;
  revoked: string | null;
  replaced_by: string | null;
  status: "active" | "rotated" | "revoked";
}

interface CertState {
  serial: string;
  fingerprint: string;
  spiffe_id: string | null;
  not_before: string;
  not_after: string;
  source: "file" | "record";
  revoked: boolean;
  order: number;
}

interface AgentCredentials {
  tokens: Map<string, TokenState>;
  certs: Map<string, CertState>;
  jit: { "k8s-token": number; "ssh-cert": number; other: number };
}

/**
 * CC6.2 Credential management: tokens (by fingerprint), certificates and JIT credentials per
 * agent, the proxy's certificate renewals, and findings (token never rotated, certificate
 * expiring or expired) as of the end of the period.
 *
 * Point in time (docs/data-contract.md): the evidence describes the credentials as they were at
 * the period's end. Records after it are not applied; the home's files (`tokens.yaml`,
 * `agents/*\/agent.crt`, `tls.crt`) describe the day of the export, so a credential they hold is
 * shown only when it existed by the period's end — not issued, created or renewed after it
 * (by its own dates or by the log's records).
 */
export class CredentialLifecycleMapper implements Mapper {
  readonly #ctx: MapperContext;
  readonly #agents = new Map<string, AgentCredentials>();
  readonly #proxyRenewals: (CertState & { timestamp: string })[] = [];
  #proxyLatest: CertState | null = null;
  #recordsInPeriod = 0;
  #recordsSeen = 0;
  #order = 0;
  /** Token fingerprints and certificate fingerprints that came into being after the period. */
  readonly #credentialsAfter = new Set<string>();
  /** Agents created by the end of the period, and those created only after it. */
  readonly #agentsByEnd = new Set<string>();
  readonly #agentsAfter = new Set<string>();

  constructor(ctx: MapperContext, carried?: CheckpointState["cc62"]) {
    this.#ctx = ctx;
    if (!carried) return;
    this.#recordsSeen = carried.records_seen;
    this.#order = carried.order;
    for (const name of carried.agents_by_end) this.#agentsByEnd.add(name);
    for (const { name, tokens, certs } of carried.agents) {
      const agent = this.#agent(name);
      for (const token of tokens)
        agent.tokens.set(token.fingerprint, { ...token, rotated: [...token.rotated] });
      for (const cert of certs) agent.certs.set(cert.fingerprint, { ...cert });
    }
    this.#proxyLatest = carried.proxy_latest ? { ...carried.proxy_latest } : null;
  }

  /**
   * The credentials a later period reads from the records so far (all before its start): what
   * is in force then, never this period's own figures (JIT issuances, renewals in the period).
   */
  carry(): CheckpointState["cc62"] {
    return {
      records_seen: this.#recordsSeen,
      order: this.#order,
      agents_by_end: [...this.#agentsByEnd],
      agents: [...this.#agents].map(([name, a]) => ({
        name,
        tokens: [...a.tokens.values()].map((t) => ({ ...t, rotated: [...t.rotated] })),
        certs: [...a.certs.values()].map((c) => ({ ...c })),
      })),
      proxy_latest: this.#proxyLatest ? { ...this.#proxyLatest } : null,
    };
  }

  command(_event: CommandEvent, _time: RecordTime): void {}

  lifecycle(record: Record<string, unknown>, kind: string, time: RecordTime): void {
    if (kind === "agent.created") {
      const name = str(record, "agent");
      if (name !== undefined) (time.after ? this.#agentsAfter : this.#agentsByEnd).add(name);
      return;
    }
    if (!(kind.startsWith("token.") || kind.startsWith("cert.") || kind === "jit.issued")) return;
    this.#recordsSeen++;
    if (time.after) {
      // Not applied (the evidence shows the period's end), but a file naming this credential
      // then describes something newer than the period.
      if (kind === "token.issued" || kind === "token.rotated")
        this.#credentialsAfter.add(str(record, "fingerprint") ?? "");
      if (kind === "cert.issued" || kind === "cert.renewed")
        this.#credentialsAfter.add(certFromRecord(record, 0).fingerprint);
      return;
    }
    if (time.inPeriod) this.#recordsInPeriod++;
    const agentName = str(record, "agent") ?? "";
    const ts = str(record, "timestamp") ?? "";
    if (kind.startsWith("cert.") && agentName === "proxy") {
      const cert = certFromRecord(record, this.#order++);
      if (kind === "cert.revoked") cert.revoked = true;
      this.#proxyLatest = cert;
      if (time.inPeriod && kind !== "cert.revoked") this.#proxyRenewals.push({ ...cert, timestamp: ts });
      return;
    }
    const agent = this.#agent(agentName);
    if (kind === "jit.issued") {
      if (!time.inPeriod) return;
      const jitKind = str(record, "kind");
      if (jitKind === "k8s-token" || jitKind === "ssh-cert") agent.jit[jitKind]++;
      else agent.jit.other++;
      return;
    }
    if (kind.startsWith("token.")) {
      const fp = str(record, "fingerprint") ?? "";
      if (kind === "token.issued") agent.tokens.set(fp, newToken(fp, ts, time.ms));
      else if (kind === "token.rotated") {
        const previous = str(record, "previous_fingerprint");
        if (previous !== undefined) {
          const old = agent.tokens.get(previous) ?? newToken(previous, null, null);
          old.rotated.push(ts);
          old.endMs = time.ms;
          old.status = "rotated";
          old.replaced_by = fp;
          agent.tokens.set(previous, old);
        }
        agent.tokens.set(fp, newToken(fp, ts, time.ms));
      } else if (kind === "token.revoked") {
        const token = agent.tokens.get(fp) ?? newToken(fp, null, null);
        token.revoked = ts;
        token.endMs = time.ms;
        token.status = "revoked";
        agent.tokens.set(fp, token);
      }
      return;
    }
    const cert = certFromRecord(record, this.#order++);
    const existing = agent.certs.get(cert.fingerprint);
    if (kind === "cert.revoked") {
      (existing ?? cert).revoked = true;
      if (!existing) agent.certs.set(cert.fingerprint, cert);
    } else if (!existing) {
      agent.certs.set(cert.fingerprint, cert);
    }
  }

  #agent(name: string): AgentCredentials {
    let agent = this.#agents.get(name);
    if (!agent) {
      agent = { tokens: new Map(), certs: new Map(), jit: { "k8s-token": 0, "ssh-cert": 0, other: 0 } };
      this.#agents.set(name, agent);
    }
    return agent;
  }

  /** Whether a credential the home's files hold today existed by the end of the period. */
  #existedByEnd(agent: string, fingerprint: string, sinceMs: number | null): boolean {
    if (this.#credentialsAfter.has(fingerprint)) return false;
    if (this.#agentsAfter.has(agent) && !this.#agentsByEnd.has(agent)) return false;
    return sinceMs === null || sinceMs < this.#ctx.period.endMs;
  }

  finish(facts: PeriodFacts) {
    const { inputs, period, now } = this.#ctx;
    const refMs = Math.min(period.endMs, now.getTime());
    const missing: string[] = [];
    if (!inputs.tokens) missing.push("tokens.yaml");
    if (!inputs.agentCerts) missing.push("agents/*/agent.crt");
    if (!inputs.proxyCert) missing.push("tls.crt");
    if (this.#recordsSeen === 0) missing.push("credential lifecycle records (token.*, cert.*, jit.issued)");

    for (const t of inputs.tokens ?? []) {
      const parsed = t.created_at ? Date.parse(t.created_at) : Number.NaN;
      const createdMs = Number.isNaN(parsed) ? null : parsed;
      if (!this.#existedByEnd(t.agent, t.fingerprint, createdMs)) continue;
      const agent = this.#agent(t.agent);
      const known = agent.tokens.get(t.fingerprint);
      if (!known) {
        agent.tokens.set(t.fingerprint, newToken(t.fingerprint, utc(t.created_at), createdMs));
      } else if (known.issued === null && t.created_at) {
        known.issued = utc(t.created_at);
        known.issuedMs = createdMs;
      }
    }
    for (const [name, info] of inputs.agentCerts ?? []) {
      if (!this.#existedByEnd(name, info.fingerprint, Date.parse(info.not_before) || null)) continue;
      const agent = this.#agent(name);
      if (!agent.certs.has(info.fingerprint)) {
        agent.certs.set(info.fingerprint, { ...certFromInfo(info), order: this.#order++ });
      }
    }

    const findings: {
      kind: "token_never_rotated" | "certificate_expiring" | "certificate_expired";
      agent: string;
      subject: string;
      detail: string;
    }[] = [];
    let tokenCount = 0;
    let certCount = 0;
    let jitCount = 0;
    const withCredentials = sortStrings(this.#agents.keys()).filter((name) => {
      const a = this.#agents.get(name) as AgentCredentials;
      return (
        a.tokens.size > 0 || a.certs.size > 0 || a.jit["k8s-token"] + a.jit["ssh-cert"] + a.jit.other > 0
      );
    });
    const agents = withCredentials.map((name) => {
      const agent = this.#agents.get(name) as AgentCredentials;
      const tokens = [...agent.tokens.values()].map((t) => {
        const end = t.endMs ?? refMs;
        const age = t.issuedMs === null ? null : Math.max(0, Math.floor((end - t.issuedMs) / DAY_MS));
        if (t.status === "active" && age !== null && age >= TOKEN_ROTATION_DAYS) {
          findings.push({
            kind: "token_never_rotated",
            agent: name,
            subject: t.fingerprint,
            detail: `active for ${age} days without rotation (threshold ${TOKEN_ROTATION_DAYS} days)`,
          });
        }
        return {
          fingerprint: t.fingerprint,
          issued: t.issued,
          rotated: t.rotated,
          revoked: t.revoked,
          replaced_by: t.replaced_by,
          age_days: age,
          status: t.status,
        };
      });
      const certList = [...agent.certs.values()].sort((a, b) => a.order - b.order);
      // The newest certificate by the period's end is the agent's current one, even when it was
      // revoked: older ones were superseded.
      const current = newest(certList)?.fingerprint;
      const certificates = certList.map((c) => {
        const status = certStatus(c, c.fingerprint === current, refMs);
        if (c.fingerprint === current && (status === "expiring" || status === "expired")) {
          findings.push({
            kind: status === "expired" ? "certificate_expired" : "certificate_expiring",
            agent: name,
            subject: c.serial,
            detail: `certificate ${c.serial} ${status === "expired" ? "expired" : "expires"} ${c.not_after}`,
          });
        }
        return {
          serial: c.serial,
          fingerprint_sha256: c.fingerprint,
          spiffe_id: c.spiffe_id,
          not_before: c.not_before,
          not_after: c.not_after,
          status,
          source: c.source,
        };
      });
      tokenCount += tokens.length;
      certCount += certificates.length;
      jitCount += agent.jit["k8s-token"] + agent.jit["ssh-cert"] + agent.jit.other;
      return { name, tokens, certificates, jit: { ...agent.jit } };
    });

    // tls.crt is today's certificate: it stands for the period's end only if it existed by then.
    // A certificate both tls.crt and a record describe is the record's, as for agents.
    const proxyFile =
      inputs.proxyCert &&
      inputs.proxyCert.fingerprint !== this.#proxyLatest?.fingerprint &&
      this.#existedByEnd(
        "proxy",
        inputs.proxyCert.fingerprint,
        Date.parse(inputs.proxyCert.not_before) || null,
      )
        ? { ...certFromInfo(inputs.proxyCert), order: this.#order++ }
        : null;
    const proxyInfo =
      newest([proxyFile, this.#proxyLatest].filter((c): c is CertState => c !== null)) ?? null;
    if (inputs.proxyCert && !proxyInfo)
      missing.push(
        "the proxy certificate in force at the period's end (tls.crt is newer, and no cert.* record gives it)",
      );
    const proxyCurrent = proxyInfo
      ? {
          serial: proxyInfo.serial,
          fingerprint_sha256: proxyInfo.fingerprint,
          spiffe_id: proxyInfo.spiffe_id,
          not_before: proxyInfo.not_before,
          not_after: proxyInfo.not_after,
          status: certStatus(proxyInfo, true, refMs),
          source: proxyInfo.source,
        }
      : null;
    if (proxyCurrent && (proxyCurrent.status === "expiring" || proxyCurrent.status === "expired")) {
      findings.push({
        kind: proxyCurrent.status === "expired" ? "certificate_expired" : "certificate_expiring",
        agent: "proxy",
        subject: proxyCurrent.serial,
        detail: `proxy TLS certificate ${proxyCurrent.status === "expired" ? "expired" : "expires"} ${proxyCurrent.not_after}`,
      });
    }
    const assessment = new Assessment((pointer) => this.#ctx.listLocation("cc62", pointer));
    for (const [kind, what] of [
      ["token_never_rotated", "token(s) active for %d days or more without rotation"],
      ["certificate_expiring", "current certificate(s) expire within %d days of the period's end"],
      ["certificate_expired", "current certificate(s) had expired by the period's end"],
    ] as const) {
      const count = findings.filter((f) => f.kind === kind).length;
      const days = kind === "token_never_rotated" ? TOKEN_ROTATION_DAYS : CERT_EXPIRY_WARNING_DAYS;
      assessment.add("attention", kind, count, `${count} ${what.replace("%d", String(days))}`, "/findings");
    }
    return {
      criterion: "CC6.2",
      title: "System credential management",
      period: this.#ctx.periodHeader,
      ...assessment.result(facts, missing),
      missing_inputs: missing,
      population: {
        agents: agents.length,
        tokens: tokenCount,
        certificates: certCount,
        jit_issuances: jitCount,
        credential_records_in_period: this.#recordsInPeriod,
      },
      agents,
      proxy_certificate: {
        current: proxyCurrent,
        renewals: this.#proxyRenewals.map((c) => ({
          serial: c.serial,
          fingerprint_sha256: c.fingerprint,
          spiffe_id: c.spiffe_id,
          not_before: c.not_before,
          not_after: c.not_after,
          status: certStatus(c, c.fingerprint === proxyCurrent?.fingerprint_sha256, refMs),
          source: c.source,
          timestamp: c.timestamp,
        })),
      },
      findings,
    };
  }
}

/** A timestamp from a record or file field in UTC (as evidence states every time); other text as is. */
function utc<T extends string | null>(value: T): T {
  if (value === null) return value;
  const ms = Date.parse(value);
  return (Number.isNaN(ms) ? value : utcTimestamp(value, ms)) as T;
}

/** The certificate issued last (latest `not_before`; on a tie, the one read last). */
function newest(certs: readonly CertState[]): CertState | undefined {
  let best: CertState | undefined;
  for (const c of certs) {
    const a = Date.parse(c.not_before) || 0;
    const b = best ? Date.parse(best.not_before) || 0 : Number.NEGATIVE_INFINITY;
    if (!best || a > b || (a === b && c.order > best.order)) best = c;
  }
  return best;
}

function newToken(fingerprint: string, issued: string | null, issuedMs: number | null): TokenState {
  return {
    fingerprint,
    issued,
    issuedMs,
    rotated: [],
    endMs: null,
    revoked: null,
    replaced_by: null,
    status: "active",
  };
}

function certFromRecord(record: Record<string, unknown>, order: number): CertState {
  return {
    serial: (str(record, "serial") ?? String(int(record, "serial") ?? "")).toLowerCase(),
    fingerprint: (str(record, "fingerprint") ?? "").replaceAll(":", "").toLowerCase(),
    spiffe_id: str(record, "spiffe_id") ?? null,
    not_before: utc(str(record, "not_before") ?? ""),
    not_after: utc(str(record, "not_after") ?? ""),
    source: "record",
    revoked: false,
    order,
  };
}

function certFromInfo(info: CertificateInfo): Omit<CertState, "order"> {
  return {
    serial: info.serial,
    fingerprint: info.fingerprint,
    spiffe_id: info.spiffe_id,
    not_before: info.not_before,
    not_after: info.not_after,
    source: "file",
    revoked: false,
  };
}

function certStatus(
  c: Pick<CertState, "revoked" | "not_after">,
  current: boolean,
  refMs: number,
): "valid" | "expiring" | "expired" | "revoked" | "superseded" {
  if (c.revoked) return "revoked";
  if (!current) return "superseded";
  const end = Date.parse(c.not_after);
  if (Number.isNaN(end)) return "valid";
  if (end < refMs) return "expired";
  if (end < refMs + CERT_EXPIRY_WARNING_DAYS * DAY_MS) return "expiring";
  return "valid";
}
