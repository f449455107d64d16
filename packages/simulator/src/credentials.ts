import { createHash } from "node:crypto";
import { lifecycleFields } from "@iddio-compliance/schema";
import type { Roster } from "./agents.ts";
import {
  type CertificateAuthority,
  createCertificateAuthority,
  type IssuedCertificate,
  issueCertificate,
  type KeyPair,
  keyPairFromSeed,
} from "./certificates.ts";
import type { Random } from "./random.ts";
import type { SilentGap } from "./rhythm.ts";
import { outsideGap, type Scheduled, workingTime } from "./schedule.ts";
import { DAY, MINUTE, rfc3339 } from "./time.ts";

/** Lifetime of agent and proxy certificates. */
export const CERT_LIFETIME = 90 * DAY;
/** The proxy renews its own certificate this long before it expires (iddio's default window). */
const PROXY_RENEWAL_WINDOW = 30 * DAY;

/** One line of `tokens.yaml`. */
export interface TokenEntry {
  readonly agent: string;
  readonly token: string;
  readonly created_at: string;
}

/** The credential story of a home: records to write and the files that hold the end state. */
export interface CredentialPlan {
  readonly scheduled: Scheduled[];
  readonly ca: CertificateAuthority;
  readonly proxyCertificate: IssuedCertificate;
  /** Current certificate per agent that still exists at the end. */
  readonly agentCertificates: ReadonlyMap<string, IssuedCertificate>;
  readonly tokens: readonly TokenEntry[];
}

/** When each agent appears and disappears. */
export interface AgentTimes {
  readonly created: ReadonlyMap<string, number>;
  readonly removed: ReadonlyMap<string, number>;
}

/** Inputs of {@link planCredentials}. */
export interface CredentialInput {
  readonly setupStart: number;
  readonly from: number;
  readonly end: number;
  readonly gap: SilentGap | undefined;
  readonly times: AgentTimes;
}

/** `sha256:<hex>` of a token value: the only form of a token that evidence ever holds. */
export function tokenFingerprint(token: string): string {
  return `sha256:${createHash("sha256").update(token).digest("hex")}`;
}

/** The fields of a `cert.issued|renewed|revoked` record for `cert`. */
export function certificateRecord(
  event: string,
  agent: string,
  cert: IssuedCertificate,
): Record<string, unknown> {
  return {
    event,
    agent,
    serial: cert.serial,
    fingerprint: cert.fingerprint,
    spiffe_id: cert.spiffeId,
    not_before: rfc3339(cert.notBefore),
    not_after: rfc3339(cert.notAfter),
  };
}

/** The proxy's own TLS certificate, valid for {@link CERT_LIFETIME} from `notBefore`. */
export function issueProxyCertificate(
  ca: CertificateAuthority,
  keys: KeyPair,
  serial: Uint8Array,
  notBefore: number,
): IssuedCertificate {
  return issueCertificate(ca, {
    commonName: "iddio-proxy",
    keys,
    serial,
    notBefore,
    notAfter: notBefore + CERT_LIFETIME,
    dnsNames: ["localhost", "iddio.local", "proxy.iddio.local"],
    ipAddresses: ["127.0.0.1"],
    usage: "server",
  });
}

/**
 * An agent's client certificate. The SPIFFE ID is a URI, so the name is percent-encoded in it
 * (an awkward name with a space, `<`, `"` or a newline stays a valid URI).
 */
export function issueAgentCertificate(
  ca: CertificateAuthority,
  agent: string,
  keys: KeyPair,
  serial: Uint8Array,
  notBefore: number,
  notAfter: number,
): IssuedCertificate {
  return issueCertificate(ca, {
    commonName: agent,
    keys,
    serial,
    notBefore,
    notAfter,
    spiffeId: `spiffe://iddio.local/agent/${spiffeSegment(agent)}`,
    usage: "client",
  });
}

/** A URI path segment (RFC 3986 `pchar`): other bytes of the UTF-8 name are percent-encoded. */
function spiffeSegment(name: string): string {
  let out = "";
  for (const byte of Buffer.from(name, "utf8")) {
    const c = String.fromCharCode(byte);
    out += PCHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;

/** Plans tokens and certificates: issuance, rotation, renewal, revocation, and the end state. */
export function planCredentials(random: Random, roster: Roster, input: CredentialInput): CredentialPlan {
  const scheduled: Scheduled[] = [];
  const at = (ms: number): number => outsideGap(ms, input.gap);
  const push = (ms: number, record: Record<string, unknown>): void => {
    const when = at(ms);
    scheduled.push({
      at: when,
      record: { ...record, timestamp: rfc3339(when) },
      fields: lifecycleFields(String(record.event)),
    });
  };
  let keyCounter = 0;
  const keys = (label: string) => keyPairFromSeed(random.bytes32(`${label}/${keyCounter++}`));
  const serial = (): Buffer => Buffer.from(random.hex(32), "hex");

  const ca = createCertificateAuthority({
    commonName: "iddio CA",
    keys: keys("ca"),
    serial: serial(),
    notBefore: input.setupStart - 5 * MINUTE,
    notAfter: input.setupStart - 5 * MINUTE + 3650 * DAY,
  });
  // The proxy's own TLS certificate, renewed by its hourly check inside the 30-day window.
  const proxyIssue = (t: number) => issueProxyCertificate(ca, keys("proxy"), serial(), t);
  let proxyCertificate = proxyIssue(input.setupStart + MINUTE);
  push(input.setupStart + MINUTE, certificateRecord("cert.issued", "proxy", proxyCertificate));
  for (;;) {
    const renewal = at(proxyCertificate.notAfter - PROXY_RENEWAL_WINDOW + random.int(1, 59) * MINUTE);
    if (renewal >= input.end) break;
    proxyCertificate = proxyIssue(renewal);
    push(renewal, certificateRecord("cert.renewed", "proxy", proxyCertificate));
  }

  const agentCertificates = new Map<string, IssuedCertificate>();
  const tokens: TokenEntry[] = [];
  for (const agent of roster.agents) {
    const created = input.times.created.get(agent.name) ?? input.setupStart;
    const removed = input.times.removed.get(agent.name);
    const issue = (t: number, notAfter: number) =>
      issueAgentCertificate(ca, agent.name, keys(`agent/${agent.name}`), serial(), t, notAfter);

    // Token: issued with the agent, rotated now and then, revoked with a removed agent.
    let token = `iddio_${random.hex(32)}`;
    let tokenSince = created + 20 * 1000;
    push(tokenSince, { event: "token.issued", agent: agent.name, fingerprint: tokenFingerprint(token) });
    const stopAt = removed ?? input.end;
    if (agent.name !== roster.roles.staleToken && agent.name !== roster.roles.lateJoiner) {
      let next = workingTime(random, Math.max(input.from, created) + random.int(5, 40) * DAY);
      while (next < stopAt - 2 * DAY) {
        const previous = tokenFingerprint(token);
        token = `iddio_${random.hex(32)}`;
        tokenSince = at(next);
        push(tokenSince, {
          event: "token.rotated",
          agent: agent.name,
          fingerprint: tokenFingerprint(token),
          previous_fingerprint: previous,
        });
        next = workingTime(random, tokenSince + random.int(35, 60) * DAY);
      }
    }

    // Certificate: renewed by an operator five to seven weeks before expiry (so never inside 30
    // days of it at the end of the period), except one agent whose renewal is overdue: its
    // certificate expires within 30 days after the period.
    const issuedAt = created + 40 * 1000;
    const renewalBefore = (cert: IssuedCertificate) =>
      at(workingTime(random, cert.notAfter - random.int(37, 50) * DAY));
    let cert: IssuedCertificate;
    if (agent.name === roster.roles.expiringCertificate) {
      const expiry = input.end + random.int(8, 25) * DAY + random.int(1, 86_399) * 1000;
      const finalStart = at(workingTime(random, expiry - CERT_LIFETIME));
      if (finalStart <= issuedAt) {
        cert = issue(issuedAt, expiry);
        push(issuedAt, certificateRecord("cert.issued", agent.name, cert));
      } else {
        cert = issue(issuedAt, issuedAt + CERT_LIFETIME);
        push(issuedAt, certificateRecord("cert.issued", agent.name, cert));
        for (let renewal = renewalBefore(cert); renewal < finalStart; renewal = renewalBefore(cert)) {
          cert = issue(renewal, renewal + CERT_LIFETIME);
          push(renewal, certificateRecord("cert.renewed", agent.name, cert));
        }
        cert = issue(finalStart, expiry);
        push(finalStart, certificateRecord("cert.renewed", agent.name, cert));
      }
    } else {
      cert = issue(issuedAt, issuedAt + CERT_LIFETIME);
      push(issuedAt, certificateRecord("cert.issued", agent.name, cert));
      for (let renewal = renewalBefore(cert); renewal < stopAt; renewal = renewalBefore(cert)) {
        cert = issue(renewal, renewal + CERT_LIFETIME);
        push(renewal, certificateRecord("cert.renewed", agent.name, cert));
      }
    }

    if (removed !== undefined) {
      push(removed + 30 * 1000, {
        event: "token.revoked",
        agent: agent.name,
        fingerprint: tokenFingerprint(token),
      });
      push(removed + 45 * 1000, certificateRecord("cert.revoked", agent.name, cert));
    } else {
      agentCertificates.set(agent.name, cert);
      tokens.push({ agent: agent.name, token, created_at: rfc3339(tokenSince) });
    }
  }
  return { scheduled, ca, proxyCertificate, agentCertificates, tokens };
}
