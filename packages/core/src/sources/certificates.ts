import { X509Certificate } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ComplianceError } from "../errors/compliance-error.ts";
import { readOptionalText } from "./optional-file.ts";

/** What CC6.2 evidence needs of one X.509 certificate. */
export interface CertificateInfo {
  path: string;
  serial: string;
  /** Lowercase hex SHA-256 of the DER bytes, no colons. */
  fingerprint: string;
  spiffe_id: string | null;
  not_before: string;
  not_after: string;
}

/** Reads one PEM certificate; `null` when the file does not exist. */
export function readCertificate(path: string): CertificateInfo | null {
  const pem = readOptionalText(path);
  if (pem === null) return null;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (cause) {
    throw new ComplianceError(
      "INPUT_UNREADABLE",
      `${path}: not a PEM X.509 certificate (${(cause as Error).message})`,
      { subject: path, cause },
    );
  }
  const spiffe = /URI:(spiffe:\/\/[^,\s]+)/.exec(cert.subjectAltName ?? "");
  return {
    path,
    serial: cert.serialNumber.toLowerCase(),
    fingerprint: cert.fingerprint256.replaceAll(":", "").toLowerCase(),
    spiffe_id: spiffe?.[1] ?? null,
    not_before: new Date(cert.validFrom).toISOString().replace(".000Z", "Z"),
    not_after: new Date(cert.validTo).toISOString().replace(".000Z", "Z"),
  };
}

/** Reads `agents/<name>/agent.crt` for every agent folder; `null` when there is no `agents/` folder. */
export function readAgentCertificates(home: string): Map<string, CertificateInfo> | null {
  const dir = join(home, "agents");
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  const out = new Map<string, CertificateInfo>();
  for (const name of names.sort()) {
    const cert = readCertificate(join(dir, name, "agent.crt"));
    if (cert) out.set(name, cert);
  }
  return out;
}
