import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChainVerifier, verifyAuditLog } from "@iddio-compliance/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureLogger } from "../test-support/capture-logger.ts";
import { Ledger } from "./ledger.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ledger-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function verifyWithCore(text: string) {
  const verifier = new ChainVerifier();
  verifier.beginFile("ledger.jsonl", false);
  const lines = text.split("\n");
  lines.pop();
  for (const [i, line] of lines.entries()) verifier.verifyLine(Buffer.from(line), i + 1);
  verifier.endFile(0, "");
  return verifier.result(new Date());
}

describe("Ledger", () => {
  it("writes lines core's chain verifier accepts, in Go struct order with hash before prev_hash", async () => {
    const path = join(dir, "ledger.jsonl");
    const ledger = await Ledger.open(path, { logger: captureLogger() });
    await ledger.append({
      event: "token.rotated",
      timestamp: "2026-02-01T10:00:00Z",
      agent: "claude-code",
      fingerprint: "sha256:bb",
      previous_fingerprint: "sha256:aa",
    });
    await ledger.append({
      event: "policy.changed",
      timestamp: "2026-02-02T10:00:00Z",
      version: "7",
      sha256: "ab".repeat(32),
      snapshot: { default: "deny", note: "<a & b>" },
    });
    await ledger.append({
      event: "export.completed",
      timestamp: "2026-03-01T00:00:00Z",
      period_from: "2026-02-01",
      period_to: "2026-02-28",
      chain_head: "cd".repeat(32),
      events: 42,
    });
    await ledger.close();

    const text = await readFile(path, "utf8");
    const [first, second] = text.split("\n");
    expect(first).toMatch(
      /^\{"event":"token\.rotated","timestamp":"2026-02-01T10:00:00Z","agent":"claude-code","fingerprint":"sha256:bb","previous_fingerprint":"sha256:aa","hash":"[0-9a-f]{64}","prev_hash":"genesis"\}$/,
    );
    expect(second).toContain('"note":"\\u003ca \\u0026 b\\u003e"');
    const verdict = verifyWithCore(text);
    expect(verdict.verified).toBe(true);
    expect(verdict.total_events).toBe(3);
    expect(verdict.hash_mode).toBe("blank");
  });

  it("continues the chain after a reopen", async () => {
    const path = join(dir, "ledger.jsonl");
    const first = await Ledger.open(path, { logger: captureLogger() });
    await first.append({ event: "proxy.started", timestamp: "2026-01-01T00:00:00Z", proxy_id: "p1" });
    await first.close();
    const second = await Ledger.open(path, { logger: captureLogger() });
    expect(second.events).toBe(1);
    await second.append({ event: "proxy.stopped", timestamp: "2026-01-02T00:00:00Z", proxy_id: "p1" });
    await second.close();
    expect(verifyWithCore(await readFile(path, "utf8")).verified).toBe(true);
  });

  it("cuts off a torn last line left by a crash and keeps a verifiable chain", async () => {
    const path = join(dir, "ledger.jsonl");
    const ledger = await Ledger.open(path, { logger: captureLogger() });
    await ledger.append({
      event: "agent.created",
      timestamp: "2026-01-01T00:00:00Z",
      agent: "a",
      identity: "mtls",
    });
    await ledger.close();
    await appendFile(path, '{"event":"agent.created","timestamp":"2026-01-0');

    const logger = captureLogger();
    const reopened = await Ledger.open(path, { logger });
    expect(reopened.verified).toBe(true);
    expect(reopened.findings).toEqual([expect.objectContaining({ kind: "truncated_tail", line: 2 })]);
    await reopened.append({
      event: "agent.removed",
      timestamp: "2026-01-03T00:00:00Z",
      agent: "a",
      actor: "ops",
    });
    await reopened.close();
    const text = await readFile(path, "utf8");
    expect(text.split("\n")).toHaveLength(3);
    expect(verifyWithCore(text).verified).toBe(true);
    expect(logger.text()).toContain("torn last line");
  });

  it("raises an alert when an earlier line was edited", async () => {
    const path = join(dir, "ledger.jsonl");
    const ledger = await Ledger.open(path, { logger: captureLogger() });
    await ledger.append({
      event: "token.issued",
      timestamp: "2026-01-01T00:00:00Z",
      agent: "a",
      fingerprint: "sha256:aa",
    });
    await ledger.append({
      event: "token.revoked",
      timestamp: "2026-01-02T00:00:00Z",
      agent: "a",
      fingerprint: "sha256:aa",
    });
    await ledger.close();
    await writeFile(path, (await readFile(path, "utf8")).replace('"agent":"a"', '"agent":"b"'));
    const logger = captureLogger();
    const reopened = await Ledger.open(path, { logger });
    expect(reopened.verified).toBe(false);
    expect(reopened.findings.map((f) => f.kind)).toEqual(["hash_mismatch"]);
    expect(logger.text()).toContain("ledger alert");
    await reopened.close();
  });

  it("finds what `iddio-compliance verify` finds in a ledger with a deleted and a garbled line", async () => {
    const path = join(dir, "ledger.jsonl");
    const ledger = await Ledger.open(path, { logger: captureLogger() });
    for (let day = 1; day <= 4; day++)
      await ledger.append({
        event: "proxy.started",
        timestamp: `2026-01-0${day}T00:00:00Z`,
        proxy_id: `p${day}`,
      });
    await ledger.close();
    const lines = (await readFile(path, "utf8")).split("\n");
    lines.splice(1, 1);
    lines.splice(2, 0, "not json");
    await writeFile(path, lines.join("\n"));

    const reopened = await Ledger.open(path, { logger: captureLogger() });
    await reopened.close();
    const core = await verifyAuditLog({ source: path });
    expect(reopened.verified).toBe(core.verified);
    expect(reopened.verified).toBe(false);
    expect(reopened.findings.map((f) => [f.kind, f.line])).toEqual(
      core.findings.map((f) => [f.kind, f.line]),
    );
    expect(reopened.findings.map((f) => f.kind)).toEqual(["link_break", "malformed"]);
  });
});
