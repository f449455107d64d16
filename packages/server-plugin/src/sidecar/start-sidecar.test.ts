import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeLedgerRecord } from "../ledger/ledger-record.ts";
import { captureLogger } from "../test-support/capture-logger.ts";
import { ManualClock } from "../test-support/manual-clock.ts";
import { ledgerRecords, seedState } from "../test-support/plugin-fixture.ts";
import { testConnector } from "../test-support/test-connector.ts";
import { testExporter } from "../test-support/test-exporter.ts";
import { type Sidecar, startSidecar } from "./start-sidecar.ts";

let dir: string;
let home: string;
let sidecar: Sidecar | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sidecar-"));
  home = join(dir, "home");
  await mkdir(join(home, "agents", "claude-code"), { recursive: true });
});
afterEach(async () => {
  await sidecar?.close();
  sidecar = undefined;
  await rm(dir, { recursive: true, force: true });
});

const SECRET = "drata-live-key-7f3a9c2e";
async function writeConfig(extra = ""): Promise<string> {
  const path = join(dir, "server.yaml");
  await writeFile(
    path,
    `server:\n  listen: ":6443"\ncompliance:\n  state_dir: ${join(dir, "state")}\n  source: { audit_log: ${home} }\n  auto_export:\n    enabled: true\n    schedule: "0 0 1 * *"\n    storage: ${pathToFileURL(join(dir, "store")).href}/\n  connectors:\n    - { type: drata, name: grc, api_key: \${DRATA_API_KEY}, workspace_id: 1 }\n${extra}`,
  );
  return path;
}

const line = (record: Parameters<typeof encodeLedgerRecord>[0], prev: string) =>
  encodeLedgerRecord(record, prev);

describe("startSidecar", () => {
  it("serves /healthz and /metrics on loopback and refuses a public address unless allowed", async () => {
    const configPath = await writeConfig();
    const options = {
      configPath,
      env: { DRATA_API_KEY: SECRET },
      handleSignals: false,
      clock: new ManualClock("2026-01-10T00:00:00Z"),
    };
    await expect(
      startSidecar({ ...options, listen: "0.0.0.0:0", exporter: testExporter(), connectors: async () => [] }),
    ).rejects.toMatchObject({ code: "LISTEN_NOT_LOOPBACK" });
    sidecar = await startSidecar({
      ...options,
      listen: "127.0.0.1:0",
      exporter: testExporter(),
      connectors: async () => [],
    });
    expect(sidecar.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${sidecar.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
    expect(metrics).toContain("# TYPE iddio_compliance_outbox_pending_pushes gauge");
    expect(metrics).toContain("iddio_compliance_tamper_alerts_total 0");
  });

  it("tails the audit log, verifies new lines at once and counts a tamper in metrics", async () => {
    const a = line({ event: "proxy.started", timestamp: "2026-01-10T00:00:00Z", proxy_id: "p" }, "genesis");
    const b = line(
      { event: "agent.created", timestamp: "2026-01-10T00:01:00Z", agent: "claude-code", identity: "mtls" },
      a.hash,
    );
    await writeFile(join(home, "audit.jsonl"), `${a.line}\n${b.line.slice(0, 20)}`);
    const logger = captureLogger();
    sidecar = await startSidecar({
      configPath: await writeConfig(),
      env: { DRATA_API_KEY: SECRET },
      handleSignals: false,
      listen: "127.0.0.1:0",
      clock: new ManualClock("2026-01-10T00:00:00Z"),
      logger,
      exporter: testExporter(),
      connectors: async () => [],
    });
    await sidecar.pollNow();
    expect(sidecar.plugin.metrics()).toContain("iddio_compliance_audit_lines_verified_total 1");
    // The rest of the half-written line arrives, then a forged line.
    await appendFile(join(home, "audit.jsonl"), `${b.line.slice(20)}\n`);
    const c = line(
      { event: "agent.removed", timestamp: "2026-01-10T00:02:00Z", agent: "claude-code", actor: "ops" },
      b.hash,
    );
    await appendFile(join(home, "audit.jsonl"), `${c.line.replace('"actor":"ops"', '"actor":"eve"')}\n`);
    await sidecar.pollNow();
    const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
    expect(metrics).toContain("iddio_compliance_audit_lines_verified_total 3");
    expect(metrics).toContain("iddio_compliance_tamper_alerts_total 1");
    expect(metrics).toContain("iddio_compliance_audit_chain_verified 0");
    expect(logger.text()).toContain("audit log alert: hash_mismatch");
  });

  it("turns policy, token and certificate changes into ledger records, with fingerprints and never token values", async () => {
    await writeFile(join(home, "policy.yaml"), "version: 1\ndefault: deny\nagents: {}\n");
    await writeFile(
      join(home, "tokens.yaml"),
      "tokens:\n  - { agent: claude-code, token: iddio_token_one_0001 }\n  - { agent: deployer, token: iddio_token_dep_0001 }\n",
    );
    const fixtures = new URL("./fixtures/", import.meta.url);
    await writeFile(
      join(home, "agents", "claude-code", "agent.crt"),
      await readFile(new URL("agent-1.crt", fixtures)),
    );
    const clock = new ManualClock("2026-01-10T00:00:00Z");
    const options = {
      configPath: await writeConfig(),
      env: { DRATA_API_KEY: SECRET },
      handleSignals: false,
      listen: "127.0.0.1:0",
      clock,
      exporter: testExporter(),
      connectors: async () => [],
    };
    sidecar = await startSidecar(options);
    await sidecar.pollNow();
    expect(await ledgerRecords(dir)).toEqual([]);

    await writeFile(
      join(home, "policy.yaml"),
      "version: 2\ndefault: deny\nagents:\n  claude-code:\n    rules:\n      - { namespaces: ['*'], tiers: { 0: allow } }\n",
    );
    await writeFile(
      join(home, "tokens.yaml"),
      "tokens:\n  - { agent: claude-code, token: iddio_token_two_0002 }\n  - { agent: reviewer, token: iddio_token_rev_0001 }\n",
    );
    await writeFile(
      join(home, "agents", "claude-code", "agent.crt"),
      await readFile(new URL("agent-2.crt", fixtures)),
    );
    await writeFile(join(home, "tls.crt"), await readFile(new URL("agent-1.crt", fixtures)));
    await sidecar.pollNow();
    await sidecar.close();
    sidecar = undefined;

    const records = await ledgerRecords(dir);
    expect(records.map((r) => `${r.event}:${r.agent ?? ""}`)).toEqual([
      "policy.changed:",
      "token.rotated:claude-code",
      "token.revoked:deployer",
      "token.issued:reviewer",
      "cert.renewed:claude-code",
      "cert.issued:proxy",
    ]);
    expect(records[0]).toMatchObject({ version: "2", snapshot: { default: "deny" } });
    expect(records[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(records[1]?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(records[4]).toMatchObject({ spiffe_id: "spiffe://iddio.local/agent/claude-code" });
    const ledger = await readFile(join(dir, "state", "ledger.jsonl"), "utf8");
    expect(ledger).not.toContain("iddio_token_");

    // Changes made while the sidecar was down are recorded at the next start.
    await writeFile(
      join(home, "tokens.yaml"),
      "tokens:\n  - { agent: claude-code, token: iddio_token_two_0002 }\n",
    );
    sidecar = await startSidecar(options);
    await sidecar.pollNow();
    expect((await ledgerRecords(dir)).at(-1)).toMatchObject({ event: "token.revoked", agent: "reviewer" });
  });

  it("reloads the config on request and keeps the old one when the new one is invalid, never logging secrets", async () => {
    const configPath = await writeConfig();
    await seedState(dir, { last_completed: { from: "2025-12-01", to: "2025-12-31" } });
    const logger = captureLogger();
    const failing = testConnector("grc", { failures: 100 });
    const original = failing.push.bind(failing);
    failing.push = async (pkg, o) => {
      await original(pkg, o).catch(() => {});
      throw new Error(`upstream rejected api key ${SECRET}`);
    };
    sidecar = await startSidecar({
      configPath,
      env: { DRATA_API_KEY: SECRET },
      handleSignals: false,
      listen: "127.0.0.1:0",
      clock: new ManualClock("2026-02-02T00:00:00Z"),
      logger,
      exporter: testExporter(),
      connectors: async () => [failing],
    });
    await sidecar.plugin.whenIdle();
    await writeFile(
      configPath,
      (await readFile(configPath, "utf8")).replace('schedule: "0 0 1 * *"', 'schedule: "0 0 1 *"'),
    );
    await sidecar.reload();
    expect(logger.text()).toContain('compliance.auto_export.schedule: invalid cron expression \\"0 0 1 *\\"');
    expect(logger.text()).toContain("upstream rejected api key [REDACTED]");
    expect(logger.text()).not.toContain(SECRET);
    const pending = JSON.parse(
      await readFile(join(dir, "state", "outbox", "pending", "2026-01-01_2026-01-31~grc.json"), "utf8"),
    );
    expect(pending.last_error).not.toContain(SECRET);
    expect(await readFile(join(dir, "state", "ledger.jsonl"), "utf8")).not.toContain(SECRET);
  });
});
