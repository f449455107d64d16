import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FileStorage } from "../storage/file-storage.ts";
import { fileRemoteConnector, remoteStored } from "../test-support/file-remote-connector.ts";
import { ledgerOutboxDisagreements, verifiedLedger } from "../test-support/ledger-outbox-agreement.ts";
import { ManualClock } from "../test-support/manual-clock.ts";
import { seedState, serverConfig, startPlugin } from "../test-support/plugin-fixture.ts";
import { PUSH_KILL_POINTS, type PushKillPoint } from "../test-support/push-kill-points.ts";
import { testExporter } from "../test-support/test-exporter.ts";

const CHILD = fileURLToPath(new URL("../test-support/push-crash-child.ts", import.meta.url));
const JANUARY = "2026-01-01_2026-01-31";
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function runChild(configPath: string, work: string, point: string): Promise<string | number | null> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--conditions=dev-source", "--import", "tsx", CHILD, configPath, work, point],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_OPTIONS: "", NODE_NO_WARNINGS: "1" },
    },
  );
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Kills a sidecar at `point`, restarts the plugin on the same state and lets it settle. */
async function crashAndRestart(point: PushKillPoint) {
  const dir = await mkdtemp(join(tmpdir(), `push-crash-${point}-`));
  dirs.push(dir);
  await seedState(dir, { initialized_at: "2026-01-15T00:00:00.000Z" });
  const at = PUSH_KILL_POINTS[point];
  const config = serverConfig(dir, {}, point === "abandon-recorded" ? { retention: 1 } : {});
  const configPath = join(dir, "server.yaml");
  await writeFile(configPath, JSON.stringify(config));
  const exit = await runChild(configPath, dir, point);
  const notKilled = await exists(join(dir, "not-killed"));

  const clock = new ManualClock(at.later ?? at.start);
  const restarted = await startPlugin(config, {
    clock,
    exporter: testExporter(),
    connectorList: [fileRemoteConnector(dir, "grc")],
  });
  // Let every retry come due (backoff is capped at 8 s).
  for (let i = 0; i < 5; i++) {
    clock.advance(8_000);
    await restarted.plugin.whenIdle();
  }
  const health = restarted.plugin.health();
  await restarted.close();
  return { dir, exit, notKilled, health, logs: restarted.logger.text() };
}

describe("a sidecar killed at any step of an export or a push", () => {
  it.each(Object.keys(PUSH_KILL_POINTS) as PushKillPoint[])(
    "leaves outbox and ledger in agreement and stores every package remotely once, when killed at %s",
    async (point) => {
      const { dir, exit, notKilled, health } = await crashAndRestart(point);
      expect(notKilled).toBe(false);
      expect(exit).toBe("SIGKILL");
      const state = join(dir, "state");
      expect(await ledgerOutboxDisagreements(state)).toEqual([]);
      const records = await verifiedLedger(state);
      const completed = records.filter((r) => r.event === "export.completed").map((r) => r.period_from);
      expect(completed.filter((from) => from === "2026-01-01")).toEqual(["2026-01-01"]);
      const remote = remoteStored(dir, "grc");
      expect(new Set(remote).size).toBe(remote.length);
      const storage = new FileStorage(join(dir, "store"));
      if (point === "abandon-recorded") {
        // January was deleted by retention before it was delivered: given up once, never pushed.
        expect(remote).not.toContain(JANUARY);
        expect(
          records.filter((r) => r.event === "export.deleted" && r.period_from === "2026-01-01"),
        ).toHaveLength(1);
        expect(await storage.list()).toEqual(["2026-03-01_2026-03-31"]);
      } else {
        expect(remote).toEqual([JANUARY]);
        expect(records.filter((r) => r.event === "push.delivered")).toMatchObject([
          {
            period_from: "2026-01-01",
            connector: "grc",
            package_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
        ]);
        expect(await storage.list()).toEqual([JANUARY]);
        expect((await storage.check(JANUARY)).state).toBe("complete");
        expect(health).toMatchObject({ status: "ok", pending_pushes: 0 });
      }
      if (point === "stall-recorded")
        expect(records.filter((r) => r.event === "push.stalled")).toMatchObject([
          { period_from: "2026-01-01" },
        ]);
      const owner = JSON.parse(
        await readFile(join(dir, "store", ".owners", `${JANUARY}.json`), "utf8").catch(() => "null"),
      );
      if (point !== "abandon-recorded") expect(owner?.replica).toBeTypeOf("string");
    },
  );
});
