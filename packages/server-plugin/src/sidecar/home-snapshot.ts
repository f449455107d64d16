import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@iddio-compliance/connector-sdk";
import {
  type CertificateInfo,
  readCertificate,
  readPolicyFile,
  readTokensFile,
} from "@iddio-compliance/core";
import type { CertState } from "../host/lifecycle-hooks.ts";

/** What the sidecar watches in an iddio home, reduced to what may be recorded (no token values). */
export interface HomeSnapshot {
  /** `policy.yaml`: SHA-256 of its bytes, version and content; `null` when absent or unreadable. */
  policy: { sha256: string; version: string | undefined; snapshot: unknown } | null;
  /** `tokens.yaml`: agent → `sha256:` fingerprints; `null` when absent or unreadable. */
  tokens: Record<string, string[]> | null;
  /** Certificates by owner: agent name, or `proxy` for `tls.crt`. */
  certs: Record<string, Omit<CertState, "agent" | "timestamp">>;
}

/** Runs one of core's readers; a file it cannot read is logged (by name only: never its content) and left out. */
function attempt<T>(logger: Logger, file: string, what: string, read: () => T): T | null {
  try {
    return read();
  } catch {
    logger.warn(`sidecar: ${what}; change not recorded`, { file });
    return null;
  }
}

function certState(info: CertificateInfo): Omit<CertState, "agent" | "timestamp"> {
  return {
    serial: info.serial,
    fingerprint: info.fingerprint,
    ...(info.spiffe_id ? { spiffe_id: info.spiffe_id } : {}),
    not_before: info.not_before,
    not_after: info.not_after,
  };
}

/**
 * Reads `policy.yaml`, `tokens.yaml`, `agents/<name>/agent.crt` and `tls.crt` with core's readers
 * (file SHA-256 for the policy, `sha256:` token fingerprints, DER fingerprints), so the sidecar's
 * records and the export agree by construction.
 */
export async function readHomeSnapshot(home: string, logger: Logger): Promise<HomeSnapshot> {
  const out: HomeSnapshot = { policy: null, tokens: null, certs: {} };
  const policy = attempt(logger, join(home, "policy.yaml"), "policy.yaml is not a valid policy", () =>
    readPolicyFile(home),
  );
  if (policy)
    out.policy = { sha256: policy.sha256, version: policy.version ?? undefined, snapshot: policy.snapshot };
  const tokens = attempt(logger, join(home, "tokens.yaml"), "tokens.yaml is not valid", () =>
    readTokensFile(home),
  );
  if (tokens) {
    const byAgent: Record<string, string[]> = {};
    for (const t of tokens) byAgent[t.agent] = [...(byAgent[t.agent] ?? []), t.fingerprint];
    out.tokens = byAgent;
  }
  const proxy = attempt(logger, join(home, "tls.crt"), "not a PEM certificate", () =>
    readCertificate(join(home, "tls.crt")),
  );
  if (proxy) out.certs.proxy = certState(proxy);
  // One unreadable agent certificate must not hide the others: read them one by one.
  let names: string[] = [];
  try {
    names = (await readdir(join(home, "agents"))).sort();
  } catch {
    // No agents folder: no agent certificates.
  }
  for (const name of names) {
    const file = join(home, "agents", name, "agent.crt");
    const info = attempt(logger, file, "not a PEM certificate", () => readCertificate(file));
    if (info) out.certs[name] = certState(info);
  }
  return out;
}
