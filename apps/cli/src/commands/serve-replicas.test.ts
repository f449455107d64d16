import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { advisoryLockKey, tryAdvisoryLock } from "@iddio-compliance/source-postgres";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import {
  type FakeReceiver,
  startFakeReceiver,
} from "../../../../packages/connectors/webhook/src/test-support/fake-webhook-receiver.ts";
import {
  auditEventsDdl,
  insertLines,
  interleave,
} from "../../../../packages/source-postgres/src/test-support/audit-events-table.ts";
import {
  createTestSchema,
  describePostgres,
  type TestSchema,
} from "../../../../packages/source-postgres/src/test-support/postgres-test-db.ts";
import { simulateOrg } from "../../../../packages/source-postgres/src/test-support/simulator-lines.ts";
import { isoDate, lastMonths } from "../test-support/last-months.ts";
import { poll, ServeProcess } from "../test-support/serve-process.ts";

/** The two whole months (UTC) before the current one: what a fresh replica owes with backfill. */
const PERIODS = lastMonths(2).map((p) => `${p.from}_${p.to}`);
const ORGS = ["acme", "globex"];
const PACKAGES = ORGS.flatMap((org) => PERIODS.map((period) => `${org}/${period}`));

describePostgres("serve replicas sharing one PostgreSQL and one storage", (databaseUrl) => {
  let db: TestSchema;
  let dir: string;
  let receiver: FakeReceiver;
  const roots: string[] = [];
  const running: ServeProcess[] = [];

  beforeAll(async () => {
    db = await createTestSchema(databaseUrl, "replicas");
    await db.client.query(auditEventsDdl());
    const from = PERIODS[0]?.slice(0, 10);
    const [acme, globex] = await Promise.all([
      simulateOrg({ seed: 21, events: 500, from, to: isoDate(Date.now()) }),
      simulateOrg({ seed: 22, events: 400, from, to: isoDate(Date.now()) }),
    ]);
    if (!acme || !globex) throw new Error("unreachable");
    roots.push(acme.root, globex.root);
    await insertLines(db.client, interleave({ acme: acme.lines, globex: globex.lines }));
  });
  afterAll(async () => {
    await db?.drop();
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "serve-replicas-"));
    receiver = await startFakeReceiver();
  });
  afterEach(async () => {
    for (const proc of running.splice(0)) await proc.kill();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts one replica: its own state folder, the shared database, storage and webhook. */
  async function replica(name: string): Promise<{ proc: ServeProcess; state: string }> {
    const state = join(dir, name);
    const configPath = join(dir, `${name}.yaml`);
    await writeFile(
      configPath,
      `compliance:
  source: { postgres: { url: "${db.url}", org_id: [${ORGS.join(", ")}] } }
  state_dir: ${state}
  listen: 127.0.0.1:0
  auto_export:
    enabled: true
    schedule: "0 0 1 * *"
    period: previous_month
    backfill_from: "${PERIODS[0]?.slice(0, 10)}"
    storage: ${pathToFileURL(join(dir, "store")).href}/
  connectors:
    - { type: webhook, url: "\${WEBHOOK_URL}", secret: \${WEBHOOK_SECRET} }
`,
    );
    const proc = new ServeProcess(configPath, {
      WEBHOOK_URL: receiver.endpoint,
      WEBHOOK_SECRET: receiver.secrets[0] ?? "",
    });
    running.push(proc);
    return { proc, state };
  }

  /** Ledger events of one replica for one organisation. */
  async function ledger(state: string, org: string): Promise<Array<Record<string, string>>> {
    const text = await readFile(join(state, "orgs", org, "ledger.jsonl"), "utf8").catch(() => "");
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, string>);
  }

  /** `<org>/<period>` of each record of `event` in the ledgers of `states`. */
  async function recorded(states: string[], event: string): Promise<string[]> {
    const out: string[] = [];
    for (const state of states)
      for (const org of ORGS)
        for (const r of await ledger(state, org))
          if (r.event === event) out.push(`${org}/${r.period_from}_${r.period_to}`);
    return out.sort();
  }

  /** Waits until every package is done (exported or skipped) by each replica and nothing is pending. */
  async function settled(replicas: Array<{ proc: ServeProcess; state: string }>): Promise<void> {
    const done = await poll(async () => {
      for (const r of replicas) {
        const health = await r.proc.health();
        if (health?.pending_pushes !== 0 || health.exporting !== null) return undefined;
        const finished = [
          ...(await recorded([r.state], "export.completed")),
          ...(await recorded([r.state], "export.skipped")),
        ];
        if (PACKAGES.some((p) => !finished.includes(p))) return undefined;
      }
      return true;
    }, 180_000);
    expect(done, replicas.map((r) => r.proc.text()).join("\n---\n")).toBe(true);
  }

  /** Each package's webhook deliveries (POSTs the receiver answered), by `<org>/<period>`. */
  function deliveries(): string[] {
    const ids = receiver
      .requests()
      .filter((r) => r.method === "POST" && r.status !== undefined && r.status < 300)
      .map((r) => r.headers["webhook-id"]);
    return ids
      .map((id) => {
        const d = receiver.deliveries().find((x) => x.id === id);
        // The receiver's payload type names only what it checks; the summary rides along.
        const data = d?.payload.data as
          | { summary?: { period: { from: string; to: string }; source: { org_id: string } } }
          | undefined;
        const summary = data?.summary;
        return summary
          ? `${summary.source.org_id}/${summary.period.from}_${summary.period.to}`
          : `unknown ${id}`;
      })
      .sort();
  }

  async function storedPackages(): Promise<string[]> {
    const out: string[] = [];
    for (const org of ORGS)
      for (const key of await readdir(join(dir, "store", org)).catch(() => [] as string[]))
        if (!key.startsWith(".")) out.push(`${org}/${key}`);
    return out.sort();
  }

  async function stop(r: { proc: ServeProcess }): Promise<void> {
    r.proc.child.kill("SIGTERM");
    expect(await r.proc.exited).toBe(0);
  }

  it("exports and delivers each organisation's period once with two replicas started together, and a third that joins late pushes nothing", async () => {
    const a = await replica("a");
    const b = await replica("b");
    await settled([a, b]);
    expect(await storedPackages()).toEqual(PACKAGES);
    expect(await recorded([a.state, b.state], "export.completed")).toEqual(PACKAGES);
    expect(await recorded([a.state, b.state], "export.skipped")).toEqual(PACKAGES);
    expect(await recorded([a.state, b.state], "push.delivered")).toEqual(PACKAGES);
    expect(deliveries()).toEqual(PACKAGES);
    await stop(a);
    await stop(b);

    const c = await replica("c");
    await settled([c]);
    expect(await recorded([c.state], "export.skipped")).toEqual(PACKAGES);
    expect(await recorded([c.state], "export.completed")).toEqual([]);
    expect(await recorded([c.state], "push.delivered")).toEqual([]);
    expect(deliveries()).toEqual(PACKAGES);
    const metrics = await fetch(`${await c.proc.url()}/metrics`).then((r) => r.text());
    for (const org of ORGS)
      expect(metrics).toContain(`iddio_compliance_exports_skipped_total{org="${org}"} 2`);
    await stop(c);
  }, 600_000);

  it("waits while a session holds a period's lock, then lets exactly one of two replicas export and deliver it", async () => {
    const [held] = PERIODS;
    const holder = await tryAdvisoryLock(
      databaseUrl,
      advisoryLockKey(`iddio-compliance/export/acme/${held}`),
    );
    expect(holder).not.toBeNull();
    const a = await replica("a");
    const b = await replica("b");
    // Both replicas queue behind the holder for acme's first period.
    const queued = await poll(async () => {
      const { rows } = await db.client.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
      );
      return rows[0].n >= 2 ? true : undefined;
    }, 120_000);
    expect(queued, `${a.proc.text()}\n---\n${b.proc.text()}`).toBe(true);
    expect(await storedPackages()).not.toContain(`acme/${held}`);
    await holder?.release();

    await settled([a, b]);
    expect(await storedPackages()).toEqual(PACKAGES);
    expect(await recorded([a.state, b.state], "export.completed")).toEqual(PACKAGES);
    expect(await recorded([a.state, b.state], "export.skipped")).toEqual(PACKAGES);
    expect(deliveries()).toEqual(PACKAGES);
    await stop(a);
    await stop(b);
  }, 600_000);
});
