import { createHash, X509Certificate } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { tokenFingerprint } from "@iddio-compliance/core";
import { policySchema, tokensFileSchema } from "@iddio-compliance/schema";
import { parse as parseYaml } from "yaml";
import type { CertState } from "../host/lifecycle-hooks.ts";
import type { Logger } from "../host/logger.ts";

/** What the sidecar watches in an iddio home, reduced to what may be recorded (no token values). */
export interface HomeSnapshot {
  /** `policy.yaml`: SHA-256 of its bytes, version and content; `null` when absent or unreadable. */
  policy: { sha256: string; version: string | undefined; snapshot: unknown } | null;
  /** `tokens.yaml`: agent → `sha256:` fingerprints; `null` when absent or unreadable. */
  tokens: Record<string, string[]> | null;
  /** Certificates by owner: agent name, or `proxy` for `tls.crt`. */
  certs: Record<string, Omit<CertState, "agent" | "timestamp">>;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function certificate(pem: string): Omit<CertState, "agent" | "timestamp"> {
  const cert = new X509Certificate(pem);
  const spiffe = /URI:(spiffe:\/\/[^,\s]+)/.exec(cert.subjectAltName ?? "");
  const iso = (value: string) => new Date(value).toISOString().replace(".000Z", "Z");
  return {
    serial: cert.serialNumber.toLowerCase(),
    fingerprint: createHash("sha256").update(cert.raw).digest("hex"),
    ...(spiffe?.[1] ? { spiffe_id: spiffe[1] } : {}),
    not_before: iso(cert.validFrom),
    not_after: iso(cert.validTo),
  };
}

/**
 * Reads `policy.yaml`, `tokens.yaml`, `agents/<name>/agent.crt` and `tls.crt` the way core's
 * readers do (file SHA-256 for the policy, `sha256:` token fingerprints, DER fingerprints).
 * A file that cannot be parsed is logged (never its content) and left out.
 */
export async function readHomeSnapshot(home: string, logger: Logger): Promise<HomeSnapshot> {
  const out: HomeSnapshot = { policy: null, tokens: null, certs: {} };
  const policyText = await readText(join(home, "policy.yaml"));
  if (policyText !== null) {
    try {
      const document: unknown = parseYaml(policyText) ?? {};
      const parsed = policySchema.parse(document);
      out.policy = {
        sha256: createHash("sha256").update(policyText).digest("hex"),
        version: parsed.version === undefined ? undefined : String(parsed.version),
        snapshot: document,
      };
    } catch {
      logger.warn("sidecar: policy.yaml is not a valid policy; change not recorded", {
        file: join(home, "policy.yaml"),
      });
    }
  }
  const tokensText = await readText(join(home, "tokens.yaml"));
  if (tokensText !== null) {
    try {
      const parsed = tokensFileSchema.parse(parseYaml(tokensText) ?? {});
      const tokens: Record<string, string[]> = {};
      for (const t of parsed.tokens)
        tokens[t.agent] = [...(tokens[t.agent] ?? []), tokenFingerprint(t.token)];
      out.tokens = tokens;
    } catch {
      // The parser's message may quote a token: only the file is named.
      logger.warn("sidecar: tokens.yaml is not valid; change not recorded", {
        file: join(home, "tokens.yaml"),
      });
    }
  }
  const owners: Array<[string, string]> = [["proxy", join(home, "tls.crt")]];
  try {
    for (const name of (await readdir(join(home, "agents"))).sort())
      owners.push([name, join(home, "agents", name, "agent.crt")]);
  } catch {
    // No agents folder: no agent certificates.
  }
  for (const [owner, path] of owners) {
    const pem = await readText(path).catch(() => null);
    if (pem === null) continue;
    try {
      out.certs[owner] = certificate(pem);
    } catch {
      logger.warn("sidecar: not a PEM certificate; skipped", { file: path });
    }
  }
  return out;
}
