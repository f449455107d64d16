import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { tokenFingerprint } from "../sources/tokens-file.ts";
import { command, writeChain } from "../test-support/write-chain.ts";

async function cc62(records: Record<string, unknown>[], tokensYaml?: string) {
  const out = join(mkdtempSync(join(tmpdir(), "cc62-")), "evidence");
  const home = writeChain(records);
  if (tokensYaml !== undefined) writeFileSync(join(home, "tokens.yaml"), tokensYaml);
  await exportEvidence({
    source: home,
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

  it("describes tokens as at the period's end: one issued after it is absent, one rotated after it is still active", async () => {
    const later = tokenFingerprint("iddio_issued_after");
    const kept = tokenFingerprint("iddio_kept");
    const doc = await cc62(
      [
        {
          event: "token.issued",
          timestamp: "2026-01-05T00:00:00Z",
          agent: "claude-code",
          fingerprint: "sha256:a",
        },
        command({}),
        {
          event: "token.rotated",
          timestamp: "2026-03-03T00:00:00Z",
          agent: "claude-code",
          fingerprint: later,
          previous_fingerprint: "sha256:a",
        },
        { event: "agent.created", timestamp: "2026-03-04T00:00:00Z", agent: "new-bot" },
      ],
      [
        "tokens:",
        "  - agent: claude-code",
        "    token: iddio_issued_after",
        "    created_at: 2026-03-03T00:00:00Z",
        "  - agent: new-bot",
        "    token: iddio_new_bot",
        "  - agent: kept-bot",
        "    token: iddio_kept",
        "    created_at: 2026-01-02T00:00:00Z",
        "",
      ].join("\n"),
    );
    const tokens = Object.fromEntries(
      doc.agents.map((a: { name: string; tokens: { fingerprint: string; status: string }[] }) => [
        a.name,
        a.tokens.map((t) => [t.fingerprint, t.status]),
      ]),
    );
    expect(tokens).toEqual({ "claude-code": [["sha256:a", "active"]], "kept-bot": [[kept, "active"]] });
    expect(doc.population.tokens).toBe(2);
  });

  it("keeps the certificate that was current at the period's end, and its expiry finding, when it was renewed later", async () => {
    const doc = await cc62([
      cert("cert.issued", "2026-01-10T00:00:00Z", "aaaa", "2026-03-15T00:00:00Z"),
      command({}),
      {
        ...cert("cert.renewed", "2026-03-10T00:00:00Z", "bbbb", "2026-09-01T00:00:00Z"),
        not_before: "2026-03-10T00:00:00Z",
      },
    ]);
    const certs = doc.agents.find((a: { name: string }) => a.name === "backup-agent").certificates;
    expect(certs.map((c: { serial: string; status: string }) => [c.serial, c.status])).toEqual([
      ["aaaa", "expiring"],
    ]);
    expect(doc.findings.map((f: { kind: string }) => f.kind)).toEqual(["certificate_expiring"]);
    expect(doc.status).toBe("attention");
    expect(doc.reasons[0]).toMatchObject({
      code: "certificate_expiring",
      count: 1,
      detail: "cc6.2-credential-lifecycle.json#/findings",
    });
  });
});
