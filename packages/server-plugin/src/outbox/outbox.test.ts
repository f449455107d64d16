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

const config = () =>
  serverConfig(dir, {
    connectors: [
      {
        type: "webhook",
        name: "grc",
        url: "https://grc.example/hook",
        secret: "whsec_c2VjcmV0LXZhbHVlLW5ldmVyLWxvZ2dlZA==",
      },
    ],
  });
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

  it("gives up a push whose package retention has deleted, records why and never retries it", async () => {
    const clock = new ManualClock("2026-02-02T00:00:00Z");
    const connector = testConnector("grc", { failures: 100 });
    const { plugin, close } = await startPlugin(config(), {
      clock,
      exporter: testExporter(),
      connectorList: [connector],
    });
    expect(await pending()).toEqual(["2026-01-01_2026-01-31~grc.json"]);
    await rm(join(dir, "store", "2026-01-01_2026-01-31"), { recursive: true, force: true });
    clock.advance(3_600_000);
    await plugin.whenIdle();
    expect(await pending()).toEqual([]);
    expect(await readdir(join(dir, "state", "outbox", "abandoned"))).toEqual([
      "2026-01-01_2026-01-31~grc.json",
    ]);
    expect(plugin.metrics()).toContain("iddio_compliance_outbox_pending_pushes 0");
    const failed = (await ledgerRecords(dir)).filter((r) => r.event === "push.failed");
    expect(String(failed.at(-1)?.error)).toContain("no longer in storage");
    const attempts = failed.length;
    clock.advance(24 * 3_600_000);
    await plugin.whenIdle();
    expect((await ledgerRecords(dir)).filter((r) => r.event === "push.failed")).toHaveLength(attempts);
    await close();
  });
});
