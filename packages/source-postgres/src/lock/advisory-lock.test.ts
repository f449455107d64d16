import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describePostgres } from "../test-support/postgres-test-db.ts";
import { advisoryLockKey, tryAdvisoryLock } from "./advisory-lock.ts";

const PG_MODULE = fileURLToPath(import.meta.resolve("pg"));

/** Whether any session holds the advisory lock `key`, as pg_locks sees it. */
async function held(client: pg.Client, key: readonly [number, number]): Promise<boolean> {
  const { rows } = await client.query(
    "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::oid AND objid = $2::oid AND objsubid = 2",
    [key[0] >>> 0, key[1] >>> 0],
  );
  return rows[0].n > 0;
}

describePostgres("tryAdvisoryLock against PostgreSQL", (url) => {
  let observer: pg.Client;
  beforeAll(async () => {
    observer = new pg.Client({ connectionString: url });
    await observer.connect();
  });
  afterAll(async () => {
    await observer?.end();
  });

  it("derives a stable key of two int4 from a name", () => {
    const key = advisoryLockKey("iddio-compliance/export/acme/2026-01-01_2026-01-31");
    expect(key).toEqual(advisoryLockKey("iddio-compliance/export/acme/2026-01-01_2026-01-31"));
    expect(key).not.toEqual(advisoryLockKey("iddio-compliance/export/globex/2026-01-01_2026-01-31"));
    for (const half of key) expect(Number.isInteger(half) && half >= -(2 ** 31) && half < 2 ** 31).toBe(true);
  });

  it("gives the lock to one session at a time and frees it on release", async () => {
    const key = advisoryLockKey(`test/${process.pid}/one-at-a-time`);
    const first = await tryAdvisoryLock(url, key);
    expect(first).not.toBeNull();
    expect(await tryAdvisoryLock(url, key)).toBeNull();
    expect(await held(observer, key)).toBe(true);
    await first?.release();
    await first?.release();
    expect(await held(observer, key)).toBe(false);
    const again = await tryAdvisoryLock(url, key);
    expect(again).not.toBeNull();
    await again?.release();
  });

  it("frees the lock when the process holding it is killed", async () => {
    const key = advisoryLockKey(`test/${process.pid}/crash`);
    const script = `const pg = require(${JSON.stringify(PG_MODULE)}); const c = new pg.Client({ connectionString: process.argv[1] });
      c.connect().then(() => c.query("SELECT pg_advisory_lock($1::int4, $2::int4)", [${key[0]}, ${key[1]}])).then(() => { process.stdout.write("locked\\n"); setInterval(() => {}, 1000); });`;
    const child = spawn(process.execPath, ["-e", script, url], { stdio: ["ignore", "pipe", "inherit"] });
    const [chunk] = (await once(child.stdout, "data")) as [Buffer];
    expect(chunk.toString()).toBe("locked\n");
    expect(await tryAdvisoryLock(url, key)).toBeNull();
    child.kill("SIGKILL");
    await once(child, "exit");
    // The server notices the closed socket on its own schedule: poll, boundedly, for the lock to go.
    let lease = null;
    for (let i = 0; i < 100 && lease === null; i++) {
      lease = await tryAdvisoryLock(url, key);
      if (lease === null) await new Promise((r) => setTimeout(r, 50));
    }
    expect(lease).not.toBeNull();
    await lease?.release();
  });

  it("aborts the lease's signal when its connection is terminated", async () => {
    const key = advisoryLockKey(`test/${process.pid}/lost`);
    const lease = await tryAdvisoryLock(url, key);
    expect(lease?.signal.aborted).toBe(false);
    const lost = once(lease?.signal as AbortSignal, "abort");
    await observer.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'iddio-compliance-lock' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::oid AND objid = $2::oid)",
      [key[0] >>> 0, key[1] >>> 0],
    );
    await lost;
    expect(String(lease?.signal.reason)).toMatch(/lost the PostgreSQL advisory lock connection/);
    await lease?.release();
  });

  it("waits up to waitMs for the session holding the lock, and takes it once that session lets go", async () => {
    const key = advisoryLockKey(`test/${process.pid}/wait`);
    const holder = await tryAdvisoryLock(url, key);
    expect(await tryAdvisoryLock(url, key, { waitMs: 200 })).toBeNull();
    const waiting = tryAdvisoryLock(url, key, { waitMs: 60_000 });
    // The waiter is queued behind the holder (pg_locks shows an ungranted request) before it lets go.
    for (let i = 0; i < 200; i++) {
      const { rows } = await observer.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1::oid AND objid = $2::oid",
        [key[0] >>> 0, key[1] >>> 0],
      );
      if (rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await holder?.release();
    const lease = await waiting;
    expect(lease).not.toBeNull();
    expect(await held(observer, key)).toBe(true);
    await lease?.release();
    expect(await held(observer, key)).toBe(false);
  });

  it("stops waiting when its signal aborts, and leaves no request queued", async () => {
    const key = advisoryLockKey(`test/${process.pid}/abort-wait`);
    const holder = await tryAdvisoryLock(url, key);
    const controller = new AbortController();
    const waiting = tryAdvisoryLock(url, key, { waitMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("shutting down")), 100);
    await expect(waiting).rejects.toThrow("shutting down");
    await holder?.release();
    const again = await tryAdvisoryLock(url, key);
    expect(again).not.toBeNull();
    await again?.release();
  });
});
