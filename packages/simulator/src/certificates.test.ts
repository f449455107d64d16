import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createCertificateAuthority, issueCertificate, keyPairFromSeed } from "./certificates.ts";
import { listFiles, readRecords } from "./test-support/chain.ts";

const SAMPLE = resolve(import.meta.dirname, "../../../examples/iddio-home");
const DAY = 86_400_000;
const PERIOD_END = Date.parse("2026-04-01T00:00:00Z");

type Rec = Record<string, unknown>;
let records: Rec[] = [];
let ca: X509Certificate;
const load = (path: string) => new X509Certificate(readFileSync(join(SAMPLE, path)));
const colonFree = (fingerprint: string) => fingerprint.replaceAll(":", "").toLowerCase();
/** The last cert.issued / cert.renewed record of an agent ("proxy" for the proxy). */
const latestCertRecord = (agent: string) =>
  records
    .filter((r) => (r.event === "cert.issued" || r.event === "cert.renewed") && r.agent === agent)
    .at(-1);

beforeAll(() => {
  records = readRecords(SAMPLE);
  ca = load("ca.crt");
});

describe("the sample's certificates", () => {
  it("are X.509 certificates naming the agent's SPIFFE URI, issued and signed by the CA", () => {
    const paths = listFiles(SAMPLE).filter((f) => /^agents\/[^/]+\/agent\.crt$/.test(f));
    expect(paths.length).toBeGreaterThanOrEqual(5);
    expect(ca.ca).toBe(true);
    for (const path of paths) {
      const name = path.split("/")[1] ?? "";
      const cert = load(path);
      expect(cert.subjectAltName).toBe(`URI:spiffe://iddio.local/agent/${name}`);
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.ca).toBe(false);
    }
  });

  it("match the serial, fingerprint and validity of each agent's latest issue or renewal record", () => {
    for (const path of listFiles(SAMPLE).filter((f) => f.startsWith("agents/"))) {
      const name = path.split("/")[1] ?? "";
      const cert = load(path);
      const record = latestCertRecord(name);
      expect(record?.fingerprint, name).toBe(colonFree(cert.fingerprint256));
      expect(String(record?.serial).toUpperCase()).toBe(cert.serialNumber);
      expect(record?.spiffe_id).toBe(`spiffe://iddio.local/agent/${name}`);
      expect(Date.parse(String(record?.not_after))).toBe(Date.parse(cert.validTo));
      expect(Date.parse(String(record?.not_before))).toBe(Date.parse(cert.validFrom));
    }
  });

  it("include renewals in the period and exactly one agent certificate expiring within 30 days after it", () => {
    expect(records.filter((r) => r.event === "cert.renewed" && r.agent !== "proxy").length).toBeGreaterThan(
      5,
    );
    const expiring = listFiles(SAMPLE)
      .filter((f) => f.startsWith("agents/"))
      .filter((f) => {
        const notAfter = Date.parse(load(f).validTo);
        return notAfter > PERIOD_END && notAfter <= PERIOD_END + 30 * DAY;
      });
    expect(expiring).toHaveLength(1);
  });

  it("hold the proxy's tls.crt, renewed inside its 30-day window", () => {
    const tls = load("tls.crt");
    expect(tls.checkIssued(ca) && tls.verify(ca.publicKey)).toBe(true);
    expect(tls.subjectAltName).toContain("DNS:localhost");
    const renewals = records.filter((r) => r.event === "cert.renewed" && r.agent === "proxy");
    expect(renewals.length).toBeGreaterThanOrEqual(1);
    expect(latestCertRecord("proxy")?.fingerprint).toBe(colonFree(tls.fingerprint256));
    const issued = records.filter(
      (r) => (r.event === "cert.issued" || r.event === "cert.renewed") && r.agent === "proxy",
    );
    for (let i = 1; i < issued.length; i++) {
      const previousNotAfter = Date.parse(String(issued[i - 1]?.not_after));
      const renewedAt = Date.parse(String(issued[i]?.timestamp));
      expect(renewedAt).toBeLessThan(previousNotAfter);
      expect(previousNotAfter - renewedAt).toBeLessThanOrEqual(30 * DAY);
    }
  });

  it("leave no files for a removed agent, whose certificate was revoked", () => {
    const removed = records.filter((r) => r.event === "agent.removed").map((r) => String(r.agent));
    expect(removed).toHaveLength(1);
    const name = removed[0] ?? "";
    expect(records.some((r) => r.event === "cert.revoked" && r.agent === name)).toBe(true);
    expect(existsSync(join(SAMPLE, "agents", name))).toBe(false);
  });
});

describe("issueCertificate", () => {
  it("signs deterministically: the same keys and request give the same DER", () => {
    const make = () => {
      const authority = createCertificateAuthority({
        commonName: "iddio CA",
        keys: keyPairFromSeed(Buffer.alloc(32, 7)),
        serial: Buffer.alloc(16, 0x42),
        notBefore: Date.UTC(2026, 0, 1),
        notAfter: Date.UTC(2036, 0, 1),
      });
      return issueCertificate(authority, {
        commonName: "claude-code",
        keys: keyPairFromSeed(Buffer.alloc(32, 9)),
        serial: Buffer.alloc(16, 0xa5),
        notBefore: Date.UTC(2026, 0, 1),
        notAfter: Date.UTC(2051, 0, 1),
        spiffeId: "spiffe://iddio.local/agent/claude-code",
        usage: "client",
      });
    };
    const a = make();
    expect(a.der.equals(make().der)).toBe(true);
    // A notAfter from 2050 on is a GeneralizedTime, which X509Certificate still reads.
    expect(Date.parse(new X509Certificate(a.pem).validTo)).toBe(Date.UTC(2051, 0, 1));
    // The first serial byte is forced into 0x10–0x7f: 0xa5 becomes 0x35.
    expect(a.serial).toBe("35".padEnd(32, "a5"));
  });
});
