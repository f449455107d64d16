import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileStorage } from "../storage/file-storage.ts";
import { ManualClock } from "../test-support/manual-clock.ts";
import { ledgerRecords, seedState, serverConfig, startPlugin } from "../test-support/plugin-fixture.ts";
import { type ExportCall, testExporter } from "../test-support/test-exporter.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "plugin-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DECEMBER = { from: "2025-12-01", to: "2025-12-31" };
const periods = (calls: ExportCall[]) => calls.map((c) => `${c.from}_${c.to}`);
const exportsIn = async (records: Promise<Array<Record<string, unknown>>>) =>
  (await records).filter((r) => r.event === "export.completed").map((r) => `${r.period_from}_${r.period_to}`);

describe("compliancePlugin scheduling", () => {
  it("exports three missed monthly periods as three packages, oldest first, each anchored on the previous checkpoint", async () => {
    await seedState(dir, { last_completed: DECEMBER, checkpoint: { hash: "aa".repeat(32), events: 7 } });
    const clock = new ManualClock("2026-04-02T09:00:00Z");
    const calls: ExportCall[] = [];
    const { close } = await startPlugin(serverConfig(dir), { clock, exporter: testExporter({ calls }) });

    expect(periods(calls)).toEqual([
      "2026-01-01_2026-01-31",
      "2026-02-01_2026-02-28",
      "2026-03-01_2026-03-31",
    ]);
    expect(calls[0]?.anchor).toEqual({ hash: "aa".repeat(32), events: 7 });
    expect(calls[1]?.anchor?.events).toBe(100);
    expect(calls[2]?.anchor?.events).toBe(200);
    const storage = new FileStorage(join(dir, "store"));
    expect(await storage.list()).toEqual([
      "2026-01-01_2026-01-31",
      "2026-02-01_2026-02-28",
      "2026-03-01_2026-03-31",
    ]);
    for (const key of await storage.list()) expect((await storage.check(key)).state).toBe("complete");
    expect(await exportsIn(ledgerRecords(dir))).toEqual([
      "2026-01-01_2026-01-31",
      "2026-02-01_2026-02-28",
      "2026-03-01_2026-03-31",
    ]);
    await close();
  });

  it("exports the month that just ended when the schedule fires, and nothing before", async () => {
    await seedState(dir, { last_completed: { from: "2026-03-01", to: "2026-03-31" } });
    const clock = new ManualClock("2026-04-20T00:00:00Z");
    const calls: ExportCall[] = [];
    const { plugin, close } = await startPlugin(serverConfig(dir), {
      clock,
      exporter: testExporter({ calls }),
    });
    expect(calls).toEqual([]);
    clock.set("2026-04-30T23:59:59Z");
    await plugin.whenIdle();
    expect(calls).toEqual([]);
    clock.set("2026-05-01T00:00:00Z");
    await plugin.whenIdle();
    expect(periods(calls)).toEqual(["2026-04-01_2026-04-30"]);
    await close();
  });

  it("resumes after a restart mid-run at the interrupted period without exporting any period twice", async () => {
    await seedState(dir, { last_completed: DECEMBER });
    const clock = new ManualClock("2026-04-02T00:00:00Z");
    const calls: ExportCall[] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => {};
    const inFebruary = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const exporter = testExporter({
      calls,
      beforeSummary: async (call) => {
        if (call.from === "2026-02-01" && calls.length === 2) {
          reached();
          await blocked;
        }
      },
    });
    const first = await startPlugin(serverConfig(dir), { clock, exporter, waitIdle: false });
    await inFebruary;
    // The server stops while February is half written and does not wait for it.
    const closing = first.close(AbortSignal.abort());
    release();
    await closing;
    expect(periods(calls)).toEqual(["2026-01-01_2026-01-31", "2026-02-01_2026-02-28"]);
    const storage = new FileStorage(join(dir, "store"));
    expect(await storage.list()).toEqual(["2026-01-01_2026-01-31"]);

    const second = await startPlugin(serverConfig(dir), { clock, exporter });
    expect(periods(calls)).toEqual([
      "2026-01-01_2026-01-31",
      "2026-02-01_2026-02-28",
      "2026-02-01_2026-02-28",
      "2026-03-01_2026-03-31",
    ]);
    expect(await storage.list()).toEqual([
      "2026-01-01_2026-01-31",
      "2026-02-01_2026-02-28",
      "2026-03-01_2026-03-31",
    ]);
    expect(await exportsIn(ledgerRecords(dir))).toEqual([
      "2026-01-01_2026-01-31",
      "2026-02-01_2026-02-28",
      "2026-03-01_2026-03-31",
    ]);
    await second.close();
  });

  it("reuses a package stored before a crash instead of exporting the period again", async () => {
    await seedState(dir, { last_completed: DECEMBER });
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    const calls: ExportCall[] = [];
    const first = await startPlugin(serverConfig(dir), { clock, exporter: testExporter({ calls }) });
    await first.close();
    // As if the process died after storing January but before persisting its state.
    await seedState(dir, { last_completed: DECEMBER });
    const second = await startPlugin(serverConfig(dir), { clock, exporter: testExporter({ calls }) });
    expect(periods(calls)).toEqual(["2026-01-01_2026-01-31"]);
    expect(await exportsIn(ledgerRecords(dir))).toEqual(["2026-01-01_2026-01-31"]);
    expect(second.logger.text()).toContain("already stored, not exported again");
    await second.close();
  });

  it("replaces an incomplete package left in storage by an interrupted upload", async () => {
    await seedState(dir, { last_completed: DECEMBER });
    const partial = join(dir, "store", "2026-01-01_2026-01-31");
    await rm(partial, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(partial, { recursive: true }));
    await writeFile(join(partial, "cc6.1-access-controls.json"), "{}");
    const calls: ExportCall[] = [];
    const { close } = await startPlugin(serverConfig(dir), {
      clock: new ManualClock("2026-02-02T00:00:00Z"),
      exporter: testExporter({ calls }),
    });
    expect(periods(calls)).toEqual(["2026-01-01_2026-01-31"]);
    expect((await new FileStorage(join(dir, "store")).check("2026-01-01_2026-01-31")).state).toBe("complete");
    await close();
  });

  it("retries a failed run with exponential backoff and records each failure in the ledger and metrics", async () => {
    await seedState(dir, { last_completed: DECEMBER });
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    const calls: ExportCall[] = [];
    let failures = 2;
    const exporter = testExporter({
      calls,
      beforeSummary: async () => {
        if (failures-- > 0) throw new Error("disk full");
      },
    });
    const { plugin, close } = await startPlugin(serverConfig(dir), { clock, exporter });
    expect(calls).toHaveLength(1);
    expect(clock.pending[0]).toBe(1000);
    expect(plugin.metrics()).toContain("iddio_compliance_export_failures_total 1");
    clock.advance(1000);
    await plugin.whenIdle();
    expect(calls).toHaveLength(2);
    expect(clock.pending[0]).toBe(2000);
    clock.advance(2000);
    await plugin.whenIdle();
    expect(calls).toHaveLength(3);
    const events = (await ledgerRecords(dir)).map((r) => `${r.event}${r.attempt ? `#${r.attempt}` : ""}`);
    expect(events).toEqual(["export.failed#1", "export.failed#2", "export.completed"]);
    expect((await ledgerRecords(dir))[0]?.error).toBe("disk full");
    const metrics = plugin.metrics();
    expect(metrics).toContain("iddio_compliance_export_failures_total 2");
    expect(metrics).toContain("iddio_compliance_exports_total 1");
    expect(metrics).toMatch(/iddio_compliance_export_last_success_timestamp_seconds \d+/);
    await close();
  });

  it("deletes packages past retention, records each deletion and leaves other folders alone", async () => {
    const storage = new FileStorage(join(dir, "store"));
    await seedState(dir, { last_completed: { from: "2026-01-01", to: "2026-01-31" } });
    const calls: ExportCall[] = [];
    const exporter = testExporter({ calls });
    // Packages of an earlier run: two past a 3-month window, one inside it.
    for (const [from, to] of [
      ["2025-10-01", "2025-10-31"],
      ["2025-11-01", "2025-11-30"],
      ["2026-01-01", "2026-01-31"],
    ] as const) {
      const out = join(dir, `pkg-${from}`);
      await exporter({ source: "x", from, to, format: "json", output: out });
      await storage.put(`${from}_${to}`, out);
    }
    await import("node:fs/promises").then((fs) =>
      fs.mkdir(join(dir, "store", "not-a-package"), { recursive: true }),
    );
    calls.length = 0;
    const { close } = await startPlugin(serverConfig(dir, {}, { retention: 3 }), {
      clock: new ManualClock("2026-03-02T00:00:00Z"),
      exporter,
    });
    expect(await storage.list()).toEqual(["2026-01-01_2026-01-31", "2026-02-01_2026-02-28"]);
    expect((await readdir(join(dir, "store"))).sort()).toContain("not-a-package");
    const deletions = (await ledgerRecords(dir))
      .filter((r) => r.event === "export.deleted")
      .map((r) => r.period_from);
    expect(deletions).toEqual(["2025-10-01", "2025-11-01"]);
    await close();
  });
});

describe("compliancePlugin hooks", () => {
  it("records lifecycle hooks in the ledger and hands the ledger to the next export", async () => {
    await seedState(dir, { last_completed: DECEMBER, initialized_at: "2025-12-15T00:00:00.000Z" });
    const clock = new ManualClock("2026-01-20T00:00:00Z");
    const calls: ExportCall[] = [];
    const { host, plugin, close } = await startPlugin(serverConfig(dir), {
      clock,
      exporter: testExporter({ calls }),
    });
    await host.callHook("token:rotated", {
      agent: "claude-code",
      fingerprint: "sha256:bb",
      previous_fingerprint: "sha256:aa",
    });
    await host.callHook("approval:granted", {
      timestamp: "2026-01-21T10:00:00Z",
      request_id: "esc_1",
      agent: "claude-code",
      approver: "alice",
      wait_ms: 1200,
    });
    const records = await ledgerRecords(dir);
    expect(records.map((r) => r.event)).toEqual(["token.rotated", "approval.granted"]);
    expect(records[0]).toMatchObject({
      timestamp: "2026-01-20T00:00:00Z",
      agent: "claude-code",
      previous_fingerprint: "sha256:aa",
      prev_hash: "genesis",
    });
    expect(records[1]?.prev_hash).toBe(records[0]?.hash);

    clock.set("2026-02-01T00:00:00Z");
    await plugin.whenIdle();
    expect(calls[0]?.ledgers).toEqual([join(dir, "state", "ledger.jsonl")]);
    await close();
  });

  it("loads and does nothing else when compliance.enabled is false", async () => {
    const calls: ExportCall[] = [];
    const config = serverConfig(dir, { enabled: false });
    const { host, plugin } = await startPlugin(config, {
      clock: new ManualClock("2026-04-02T00:00:00Z"),
      exporter: testExporter({ calls }),
    });
    await host.callHook("token:issued", { agent: "a", fingerprint: "sha256:aa" });
    await host.callHook("server:close", { reason: "test" });
    expect(calls).toEqual([]);
    expect(plugin.metrics()).toBe("");
    expect(plugin.health()).toEqual({ status: "disabled" });
    await expect(readdir(join(dir, "state"))).rejects.toThrow();
  });

  it("raises an alert at once for a tampered or unlinked audit line appended through audit:append", async () => {
    const { host, plugin, logger, close } = await startPlugin(serverConfig(dir, {}, { enabled: false }), {
      clock: new ManualClock("2026-01-01T00:00:00Z"),
    });
    const { encodeLedgerRecord } = await import("../ledger/ledger-record.ts");
    const a = encodeLedgerRecord(
      { event: "proxy.started", timestamp: "2026-01-01T00:00:00Z", proxy_id: "p" },
      "genesis",
    );
    const b = encodeLedgerRecord(
      { event: "proxy.stopped", timestamp: "2026-01-01T01:00:00Z", proxy_id: "p" },
      a.hash,
    );
    await host.callHook("audit:append", { lines: [a.line, b.line] });
    expect(plugin.metrics()).toContain("iddio_compliance_audit_chain_verified 1");
    await host.callHook("audit:append", { lines: [b.line.replace('"proxy_id":"p"', '"proxy_id":"q"')] });
    expect(plugin.metrics()).toContain("iddio_compliance_tamper_alerts_total 2");
    expect(plugin.metrics()).toContain("iddio_compliance_audit_chain_verified 0");
    expect(logger.text()).toContain("audit log alert: hash_mismatch");
    expect(logger.text()).toContain("audit log alert: link_break");
    await close();
  });
});
