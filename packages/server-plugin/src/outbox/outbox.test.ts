import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../test-support/manual-clock.ts";
import { ledgerRecords, seedState, serverConfig, startPlugin } from "../test-support/plugin-fixture.ts";
import { testConnector } from "../test-support/test-connector.ts";
import { testExporter } from "../test-support/test-exporter.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "outbox-"));
  await seedState(dir, { last_completed: { from: "2025-12-01", to: "2025-12-31" } });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (autoExport: Record<string, unknown> = {}) =>
  serverConfig(
    dir,
    {
      connectors: [
        {
          type: "webhook",
          name: "grc",
          url: "https://grc.example/hook",
          secret: "whsec_c2VjcmV0LXZhbHVlLW5ldmVyLWxvZ2dlZA==",
        },
      ],
    },
    autoExport,
  );
const pending = () => readdir(join(dir, "state", "outbox", "pending"));

describe("outbox", () => {
  it("delivers pushes left pending by a previous run exactly once after a restart", async () => {
    const clock = new ManualClock("2026-03-02T00:00:00Z");
    // First run: the connector is down for good; both packages stay pending.
    const down = testConnector("grc", { failures: 100 });
    const first = await startPlugin(config(), { clock, exporter: testExporter(), connectorList: [down] });
    expect(await pending()).toHaveLength(2);
    await first.close();

    const pushes: string[] = [];
    const second = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { pushes })],
    });
    clock.advance(60_000);
    await second.plugin.whenIdle();
    expect(pushes).toEqual(["2026-01-01_2026-01-31", "2026-02-01_2026-02-28"]);
    expect(await pending()).toEqual([]);
    await second.close();

    const third = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { pushes })],
    });
    clock.advance(3_600_000);
    await third.plugin.whenIdle();
    expect(pushes).toHaveLength(2);
    const delivered = (await ledgerRecords(dir)).filter((r) => r.event === "push.delivered");
    expect(delivered.map((r) => r.period_from)).toEqual(["2026-01-01", "2026-02-01"]);
    expect(delivered[0]?.package_sha256).toMatch(/^[0-9a-f]{64}$/);
    await third.close();
  });

  it("keeps a push to a connector named after a scoped package in one file and delivers it after a restart", async () => {
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    const type = "@acme/iddio-connector-filebox";
    const scoped = serverConfig(dir, { connectors: [{ type, api_key: "fb_key", bucket: "evidence" }] });
    const first = await startPlugin(scoped, {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector(type, { failures: 100 })],
    });
    expect(await pending()).toEqual(["2026-01-01_2026-01-31~%40acme%2Fiddio-connector-filebox.json"]);
    await first.close();

    const pushes: string[] = [];
    const second = await startPlugin(scoped, {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector(type, { pushes })],
    });
    clock.advance(3_600_000);
    await second.plugin.whenIdle();
    expect(pushes).toEqual(["2026-01-01_2026-01-31"]);
    expect(await pending()).toEqual([]);
    const delivered = (await ledgerRecords(dir)).filter((r) => r.event === "push.delivered");
    expect(delivered.map((r) => r.connector)).toEqual([type]);
    await second.close();
  });

  it("does not push again when a crash left the pending file beside its delivery record", async () => {
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    const pushes: string[] = [];
    const first = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { pushes })],
    });
    expect(pushes).toEqual(["2026-01-01_2026-01-31"]);
    await first.close();
    // Recreate the pending file as if the process died between recording delivery and removing it.
    const name = "2026-01-01_2026-01-31~grc.json";
    await copyFile(
      join(dir, "state", "outbox", "delivered", name),
      join(dir, "state", "outbox", "pending", name),
    );
    const second = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { pushes })],
    });
    expect(pushes).toEqual(["2026-01-01_2026-01-31"]);
    expect(await pending()).toEqual([]);
    await second.close();
  });

  it("retries a failing connector with backoff and shows the pending and failed push in metrics", async () => {
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    const connector = testConnector("grc", { failures: 2 });
    const { plugin, logger, close } = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [connector],
    });
    expect(plugin.metrics()).toContain("iddio_compliance_outbox_pending_pushes 1");
    expect(plugin.metrics()).toContain("iddio_compliance_outbox_failed_pushes 1");
    expect(plugin.metrics()).toContain("iddio_compliance_outbox_push_failures_total 1");
    expect(clock.pending).toContain(1000);
    clock.advance(999);
    await plugin.whenIdle();
    expect(connector.pushes).toEqual([]);
    clock.advance(1);
    await plugin.whenIdle();
    expect(plugin.metrics()).toContain("iddio_compliance_outbox_push_failures_total 2");
    clock.advance(2000);
    await plugin.whenIdle();
    expect(connector.pushes).toEqual(["2026-01-01_2026-01-31"]);
    expect(plugin.metrics()).toContain("iddio_compliance_outbox_pending_pushes 0");
    expect(plugin.metrics()).toContain("iddio_compliance_outbox_pushes_delivered_total 1");
    const events = (await ledgerRecords(dir))
      .map((r) => r.event)
      .filter((e) => String(e).startsWith("push."));
    expect(events).toEqual(["push.failed", "push.failed", "push.delivered"]);
    expect(logger.text()).toContain("answered 503");
    expect(logger.text()).not.toContain("c2VjcmV0LXZhbHVlLW5ldmVyLWxvZ2dlZA");
    await close();
  });

  it("gives up the pushes of a package retention deleted, records why and never retries them", async () => {
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    const first = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { failures: 100 })],
    });
    expect(await pending()).toEqual(["2026-01-01_2026-01-31~grc.json"]);
    await first.close();

    // Two months on, with a one-month retention: January's package is deleted at start.
    clock.advance(60 * 24 * 3_600_000);
    const second = await startPlugin(config({ retention: 1 }), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { failures: 100 })],
    });
    const abandoned = await readdir(join(dir, "state", "outbox", "abandoned"));
    expect(abandoned).toEqual(["2026-01-01_2026-01-31~grc.json"]);
    expect(await pending()).not.toContain("2026-01-01_2026-01-31~grc.json");
    const records = await ledgerRecords(dir);
    const gaveUp = records.filter((r) => r.event === "push.failed" && r.period_from === "2026-01-01").at(-1);
    expect(String(gaveUp?.error)).toContain("deleted by retention");
    const attempts = records.filter(
      (r) => r.event === "push.failed" && r.period_from === "2026-01-01",
    ).length;
    clock.advance(24 * 3_600_000);
    await second.plugin.whenIdle();
    const later = (await ledgerRecords(dir)).filter(
      (r) => r.event === "push.failed" && r.period_from === "2026-01-01",
    );
    expect(later).toHaveLength(attempts);
    await second.close();

    // A crash between the deletion and giving up left the push pending: the ledger's
    // export.deleted gives it up at the next start.
    const name = "2026-01-01_2026-01-31~grc.json";
    await copyFile(
      join(dir, "state", "outbox", "abandoned", name),
      join(dir, "state", "outbox", "pending", name),
    );
    await rm(join(dir, "state", "outbox", "abandoned", name));
    const third = await startPlugin(config({ retention: 1 }), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { failures: 100 })],
    });
    expect(await pending()).not.toContain(name);
    expect(await readdir(join(dir, "state", "outbox", "abandoned"))).toEqual([name]);
    await third.close();
  });

  it("keeps retrying a push while its storage looks empty (not mounted yet), rather than give it up", async () => {
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    const connector = testConnector("grc", { failures: 100 });
    const { plugin, close } = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [connector],
    });
    await rm(join(dir, "store"), { recursive: true, force: true });
    clock.advance(3_600_000);
    await plugin.whenIdle();
    expect(await pending()).toEqual(["2026-01-01_2026-01-31~grc.json"]);
    expect(await readdir(join(dir, "state", "outbox", "abandoned"))).toEqual([]);
    await close();
  });

  it("reports a push still pending past compliance.outbox.alert_after_hours once: /healthz degraded with the reason, a gauge and one push.stalled record; delivery clears it", async () => {
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    const stallConfig = () => ({
      ...config(),
      compliance: { ...config().compliance, outbox: { alert_after_hours: 2 } },
    });
    const first = await startPlugin(stallConfig(), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { failures: 1_000 })],
    });
    clock.advance(3_600_000);
    await first.plugin.whenIdle();
    expect(first.plugin.health()).toMatchObject({ status: "ok", stalled_pushes: 0, pending_pushes: 1 });
    clock.advance(3_600_000);
    await first.plugin.whenIdle();
    const health = first.plugin.health() as { status: string; problems: string[] };
    expect(health).toMatchObject({ status: "degraded", stalled_pushes: 1, pending_pushes: 1 });
    expect(health.problems).toEqual([
      expect.stringMatching(
        /^push of 2026-01-01_2026-01-31 to grc pending since 2026-02-02T00:00:00\.000Z \(\d+ failed attempts; last error: .*answered 503/,
      ),
    ]);
    expect(first.plugin.metrics()).toContain("iddio_compliance_outbox_stalled_pushes 1");
    expect(first.logger.text()).toContain("outbox: push stalled");
    // Still retried, still reported once, across a restart.
    clock.advance(6 * 3_600_000);
    await first.plugin.whenIdle();
    await first.close();
    const stalledRecords = async () => (await ledgerRecords(dir)).filter((r) => r.event === "push.stalled");
    expect(await stalledRecords()).toMatchObject([
      { period_from: "2026-01-01", connector: "grc", since: "2026-02-02T00:00:00.000Z" },
    ]);

    const pushes: string[] = [];
    const second = await startPlugin(stallConfig(), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { pushes })],
      waitIdle: false,
    });
    expect(second.plugin.health()).toMatchObject({ status: "degraded", stalled_pushes: 1 });
    clock.advance(3_600_000);
    await second.plugin.whenIdle();
    expect(pushes).toEqual(["2026-01-01_2026-01-31"]);
    expect(second.plugin.health()).toMatchObject({ status: "ok", problems: [], stalled_pushes: 0 });
    expect(second.plugin.metrics()).toContain("iddio_compliance_outbox_stalled_pushes 0");
    expect(await stalledRecords()).toHaveLength(1);
    await second.close();
  });

  it("counts a push in flight as pending, and on close stops waiting for a connector that ignores the abort; the push is delivered after a restart", async () => {
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    let entered: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const hung = {
      name: "grc",
      push: () => {
        entered();
        return new Promise<never>(() => {});
      },
    };
    const first = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [hung],
      waitIdle: false,
    });
    await inFlight;
    expect(first.plugin.health()).toMatchObject({ pending_pushes: 1 });
    expect(first.plugin.metrics()).toContain("iddio_compliance_outbox_pending_pushes 1");
    await first.close(AbortSignal.timeout(10));
    expect(first.logger.text()).toContain("a push ignored the shutdown signal");
    expect(await pending()).toEqual(["2026-01-01_2026-01-31~grc.json"]);

    const pushes: string[] = [];
    const second = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [testConnector("grc", { pushes })],
    });
    expect(pushes).toEqual(["2026-01-01_2026-01-31"]);
    expect(await pending()).toEqual([]);
    await second.close();
  });
});
