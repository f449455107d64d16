import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { LogFields, Logger } from "@iddio-compliance/connector-sdk";
import { type AuditLineSource, verifyPackage } from "@iddio-compliance/core";
import { advisoryLockKey, postgresSource, tryAdvisoryLock } from "@iddio-compliance/source-postgres";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import {
  auditEventsDdl,
  insertLines,
  interleave,
} from "../../../source-postgres/src/test-support/audit-events-table.ts";
import {
  createTestSchema,
  describePostgres,
  type TestSchema,
} from "../../../source-postgres/src/test-support/postgres-test-db.ts";
import { simulateOrg } from "../../../source-postgres/src/test-support/simulator-lines.ts";
import { tapBatches } from "../../../source-postgres/src/test-support/source-taps.ts";
import { createInProcessHost } from "../host/in-process-host.ts";
import type { OutboxConnector } from "../outbox/outbox-types.ts";
import { compliancePlugin } from "../plugin/compliance-plugin.ts";
import { coreExporter, type Exporter } from "../plugin/exporter.ts";
import { FileStorage } from "../storage/file-storage.ts";
import { ManualClock } from "../test-support/manual-clock.ts";
import { testConnector } from "../test-support/test-connector.ts";

const MARCH = "2026-03-01_2026-03-31";
const ORGS = ["acme", "globex"];

function orgOf(source: string | AuditLineSource): string {
  return typeof source === "string" ? source : String(source.orgId);
}

async function ledger(stateDir: string, org: string): Promise<string[]> {
  const { readFile } = await import("node:fs/promises");
  const text = await readFile(join(stateDir, "orgs", org, "ledger.jsonl"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { event: string }).event);
}

describePostgres("compliancePlugin with a PostgreSQL source", (databaseUrl) => {
  let db: TestSchema;
  let dir: string;
  const roots: string[] = [];

  beforeAll(async () => {
    db = await createTestSchema(databaseUrl, "plugin");
    await db.client.query(auditEventsDdl());
    const acme = await simulateOrg({ seed: 3, events: 2_500 });
    const globex = await simulateOrg({ seed: 4, events: 1_500 });
    roots.push(acme.root, globex.root);
    await insertLines(db.client, interleave({ acme: acme.lines, globex: globex.lines }));
  });
  afterAll(async () => {
    await db?.drop();
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "plugin-pg-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const config = (replica: string, url = db.url, orgs: string | string[] = ORGS, backfillFrom?: string) => ({
    compliance: {
      state_dir: join(dir, replica),
      source: { postgres: { url, org_id: orgs } },
      auto_export: {
        enabled: true,
        schedule: "0 0 1 * *",
        period: "previous_month",
        storage: `${pathToFileURL(join(dir, "store")).href}/`,
        ...(backfillFrom ? { backfill_from: backfillFrom } : {}),
      },
    },
  });

  /** One replica: its own state folder, the shared storage and database, the shared clock. */
  async function replica(
    name: string,
    clock: ManualClock,
    exporter: Exporter,
    onLog?: (message: string, fields?: LogFields) => void,
    url?: string,
    orgs?: string | string[],
    connectors: OutboxConnector[] = [],
    backfillFrom?: string,
    lockWaitMs?: number,
  ) {
    const lines: string[] = [];
    const at =
      (level: string) =>
      (message: string, fields?: LogFields): void => {
        lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
        onLog?.(message, fields);
      };
    const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
    const cfg = config(name, url, orgs, backfillFrom);
    const host = createInProcessHost({ config: cfg, logger });
    const plugin = compliancePlugin({
      clock,
      exporter,
      connectors: async () => connectors,
      retry: { baseDelayMs: 1000, maxDelayMs: 8000 },
      ...(lockWaitMs !== undefined ? { lockWaitMs } : {}),
    });
    await host.use(plugin);
    await host.callHook("server:ready", { config: cfg });
    await plugin.whenIdle();
    return {
      plugin,
      lines,
      stateDir: join(dir, name),
      close: () => host.callHook("server:close", { reason: "test" }),
    };
  }

  /** Waits (bounded) until some session waits for an advisory lock another session holds. */
  async function someoneWaitsForALock(): Promise<boolean> {
    for (let i = 0; i < 400; i++) {
      const { rows } = await db.client.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
      );
      if (rows[0].n > 0) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  }

  it("lets exactly one of two replicas started together export each organisation's period; the other waits, then records that it skipped", async () => {
    const clock = new ManualClock("2026-03-31T23:00:00Z");
    const calls: string[] = [];
    const waited: boolean[] = [];
    // The replica that wins an organisation's lock holds it until the other is queued behind it.
    const exporter: Exporter = async (options) => {
      calls.push(orgOf(options.source));
      waited.push(await someoneWaitsForALock());
      return coreExporter(options);
    };
    const a = await replica("replica-a", clock, exporter);
    const b = await replica("replica-b", clock, exporter);

    clock.set("2026-04-01T00:00:00Z");
    await Promise.all([a.plugin.whenIdle(), b.plugin.whenIdle()]);

    expect(calls.sort()).toEqual(ORGS);
    expect(waited).toEqual([true, true]);
    for (const org of ORGS) {
      const storage = new FileStorage(join(dir, "store", org));
      expect(await storage.list()).toEqual([MARCH]);
      expect((await storage.check(MARCH)).state).toBe("complete");
      expect((await verifyPackage(join(dir, "store", org, MARCH))).ok).toBe(true);
      const ledgers = [await ledger(a.stateDir, org), await ledger(b.stateDir, org)];
      expect(ledgers.filter((l) => l.includes("export.completed"))).toHaveLength(1);
      expect(ledgers.find((l) => !l.includes("export.completed"))).toEqual(["export.skipped"]);
    }
    const skipped = [a, b].flatMap((r) => r.lines.filter((l) => l.includes("export skipped:")));
    expect(skipped).toHaveLength(2);
    const metrics = a.plugin.metrics() + b.plugin.metrics();
    for (const org of ORGS) {
      expect(metrics).toContain(`iddio_compliance_exports_skipped_total{org="${org}"} 1`);
      expect(metrics).toContain(`iddio_compliance_exports_total{org="${org}"} 1`);
    }
    // Both runs are over: no replica holds a lock any more.
    const locks = await db.client.query(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'",
    );
    expect(locks.rows[0].n).toBe(0);
    await a.close();
    await b.close();
  });

  it("pushes nothing from a replica that joins after another stored and queued every package", async () => {
    const clock = new ManualClock("2026-03-31T23:00:00Z");
    const pushes: string[] = [];
    const a = await replica("replica-a", clock, coreExporter, undefined, undefined, "acme", [
      testConnector("grc", { pushes }),
    ]);
    clock.set("2026-04-01T00:00:00Z");
    await a.plugin.whenIdle();
    expect(pushes).toEqual([MARCH]);
    await a.close();

    // The late replica owes March too (backfill), takes the free lock, and finds the package owned by A.
    const late = await replica(
      "replica-late",
      clock,
      coreExporter,
      undefined,
      undefined,
      "acme",
      [testConnector("grc", { pushes })],
      "2026-03-01",
    );
    expect(pushes).toEqual([MARCH]);
    expect(await ledger(late.stateDir, "acme")).toEqual(["export.skipped"]);
    expect(await readdir(join(late.stateDir, "orgs", "acme", "outbox", "pending"))).toEqual([]);
    expect(late.plugin.metrics()).toContain('iddio_compliance_exports_skipped_total{org="acme"} 1');
    await late.close();
  });

  it("defers a period whose lock another session holds past the wait, and exports it once that session lets go", async () => {
    const clock = new ManualClock("2026-03-31T23:00:00Z");
    const key = advisoryLockKey(`iddio-compliance/export/acme/${MARCH}`);
    const holder = await tryAdvisoryLock(db.url, key);
    const calls: string[] = [];
    const exporter: Exporter = async (options) => {
      calls.push(orgOf(options.source));
      return coreExporter(options);
    };
    const r = await replica("held", clock, exporter, undefined, undefined, "acme", [], undefined, 100);
    clock.set("2026-04-01T00:00:00Z");
    await r.plugin.whenIdle();
    expect(calls).toEqual([]);
    expect(r.lines.join("\n")).toContain("export deferred");
    expect(await ledger(r.stateDir, "acme")).toEqual([]);

    await holder?.release();
    clock.advance(1000);
    await r.plugin.whenIdle();
    expect(calls).toEqual(["acme"]);
    expect(await ledger(r.stateDir, "acme")).toEqual(["export.completed"]);
    await r.close();
  });

  it("keeps one organisation's packages, state and ledger apart from another's", async () => {
    const clock = new ManualClock("2026-03-31T23:00:00Z");
    const r = await replica("solo", clock, coreExporter);
    clock.set("2026-04-01T00:00:00Z");
    await r.plugin.whenIdle();
    expect((await readdir(join(dir, "store"))).sort()).toEqual(ORGS);
    expect((await readdir(join(r.stateDir, "orgs"))).sort()).toEqual(ORGS);
    for (const org of ORGS) {
      const summary = (await new FileStorage(join(dir, "store", org)).check(MARCH)) as {
        state: string;
        summary: { source: { org_id: string; location: string } };
      };
      expect(summary.summary.source.org_id).toBe(org);
      expect(summary.summary.source.location).not.toContain("@127.0.0.1:0");
    }
    expect(r.plugin.health()).toMatchObject({
      status: "ok",
      orgs: { acme: { status: "ok" }, globex: { status: "ok" } },
    });
    await r.close();
  });

  it("fails a run cleanly when its database connection is terminated mid-export, and the retry stores the package", async () => {
    const clock = new ManualClock("2026-03-31T23:00:00Z");
    const app = `iddio-plugin-drop-${process.pid}`;
    const url = `${db.url}&application_name=${app}`;
    let attempts = 0;
    const exporter: Exporter = async (options) => {
      attempts++;
      if (attempts > 1) return coreExporter(options);
      // The first attempt reads in small batches, so that the stream is still open after the first.
      const source = tapBatches(
        postgresSource({ url, orgId: orgOf(options.source), batchRows: 200 }),
        async (_, index) => {
          if (index > 0) return;
          // The export's cursor connection only: the lock connection stays.
          await db.client.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE '%ORDER BY%'",
            [app],
          );
        },
      );
      return coreExporter({ ...options, source });
    };
    const r = await replica("drop", clock, exporter, undefined, url, "acme");
    clock.set("2026-04-01T00:00:00Z");
    await r.plugin.whenIdle();
    const storage = new FileStorage(join(dir, "store", "acme"));
    expect(attempts).toBe(1);
    expect(await storage.list()).toEqual([]);
    expect(await ledger(r.stateDir, "acme")).toEqual(["export.failed"]);
    // The server says so, or the socket is already gone when the client writes its next request.
    expect(r.lines.join("\n")).toMatch(
      /terminating connection due to administrator command|EPIPE|Connection terminated/,
    );

    clock.advance(1000);
    await r.plugin.whenIdle();
    expect(attempts).toBe(2);
    expect(await storage.list()).toEqual([MARCH]);
    expect((await storage.check(MARCH)).state).toBe("complete");
    expect(await ledger(r.stateDir, "acme")).toEqual(["export.failed", "export.completed"]);
    await r.close();
  });
});
