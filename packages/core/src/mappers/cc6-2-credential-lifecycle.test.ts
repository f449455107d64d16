import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { command, writeChain } from "../test-support/write-chain.ts";

async function cc62(records: Record<string, unknown>[]) {
  const out = join(mkdtempSync(join(tmpdir(), "cc62-")), "evidence");
  await exportEvidence({
    source: writeChain(records),
    from: "2026-02-01",
    to: "2026-02-28",
    format: "json",
    output: out,
    now: () => new Date("2026-03-01T00:00:00Z"),
  });
  return JSON.parse(readFileSync(join(out, "cc6.2-credential-lifecycle.json"), "utf8"));
}

const cert = (event: string, timestamp: string, serial: string, notAfter: string) => ({
  event,
  timestamp,
  agent: "backup-agent",
  serial,
  fingerprint: serial.repeat(8),
  spiffe_id: "spiffe://iddio.local/agent/backup-agent",
  not_before: "2025-12-01T00:00:00Z",
  not_after: notAfter,
});

describe("CC6.2 credential lifecycle", () => {
  it("does not flag a superseded certificate as expired when its renewal was later revoked", async () => {
    const doc = await cc62([
      cert("cert.issued", "2026-01-10T00:00:00Z", "aaaa", "2026-02-10T00:00:00Z"),
      cert("cert.renewed", "2026-02-05T00:00:00Z", "bbbb", "2026-06-01T00:00:00Z"),
      cert("cert.revoked", "2026-02-20T00:00:00Z", "bbbb", "2026-06-01T00:00:00Z"),
      command({}),
    ]);
    const certs = doc.agents.find((a: { name: string }) => a.name === "backup-agent").certificates;
    expect(certs.map((c: { serial: string; status: string }) => [c.serial, c.status])).toEqual([
      ["aaaa", "superseded"],
      ["bbbb", "revoked"],
    ]);
    expect(doc.findings).toEqual([]);
  });

  it("flags a token active for 90 days or more without rotation, and tracks a rotation", async () => {
    const doc = await cc62([
      {
        event: "token.issued",
        timestamp: "2025-11-01T00:00:00Z",
        agent: "old-bot",
        fingerprint: "sha256:old",
      },
      {
        event: "token.issued",
        timestamp: "2026-01-05T00:00:00Z",
        agent: "claude-code",
        fingerprint: "sha256:a",
      },
      {
        event: "token.rotated",
        timestamp: "2026-02-10T00:00:00Z",
        agent: "claude-code",
        fingerprint: "sha256:b",
        previous_fingerprint: "sha256:a",
      },
      command({}),
    ]);
    expect(doc.findings.map((f: { kind: string; agent: string }) => [f.kind, f.agent])).toEqual([
      ["token_never_rotated", "old-bot"],
    ]);
    const tokens = doc.agents.find((a: { name: string }) => a.name === "claude-code").tokens;
    expect(
      tokens.map((t: { fingerprint: string; status: string; replaced_by: string | null }) => [
        t.fingerprint,
        t.status,
        t.replaced_by,
      ]),
    ).toEqual([
      ["sha256:a", "rotated", "sha256:b"],
      ["sha256:b", "active", null],
    ]);
    expect(doc.evidence_strength).toBe("partial");
    expect(doc.missing_inputs).toContain("tokens.yaml");
  });
});
