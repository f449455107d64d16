import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileStorage } from "../storage/file-storage.ts";
import { ledgerRecords, seedState } from "../test-support/plugin-fixture.ts";

const CHILD = fileURLToPath(new URL("../test-support/sidecar-child.ts", import.meta.url));
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "crash-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(
  mode: "block" | "run",
  configPath: string,
): { child: ChildProcess; exited: Promise<number | string | null> } {
  const child = spawn(
    process.execPath,
    ["--conditions=dev-source", "--import", "tsx", CHILD, configPath, dir, mode],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_OPTIONS: "", NODE_NO_WARNINGS: "1" },
    },
  );
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  return { child, exited };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("sidecar killed during an export", () => {
  it("exports the period exactly once after a restart and never shows a partial package", async () => {
    await seedState(dir, { initialized_at: "2026-01-15T00:00:00.000Z" });
    const configPath = join(dir, "server.yaml");
    await writeFile(
      configPath,
      `compliance:\n  state_dir: ${join(dir, "state")}\n  source: { audit_log: ${join(dir, "home")} }\n  auto_export:\n    enabled: true\n    schedule: "0 0 1 * *"\n    storage: ${pathToFileURL(join(dir, "store")).href}/\n`,
    );

    const first = run("block", configPath);
    // Wait (bounded) for the child to be half-way through the export.
    for (let i = 0; i < 1200 && !(await exists(join(dir, "blocked"))); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await exists(join(dir, "blocked"))).toBe(true);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    const storage = new FileStorage(join(dir, "store"));
    expect(await storage.list()).toEqual([]);

    const second = run("run", configPath);
    expect(await second.exited).toBe(0);
    expect(await exists(join(dir, "done"))).toBe(true);
    expect(await storage.list()).toEqual(["2026-01-01_2026-01-31"]);
    expect((await storage.check("2026-01-01_2026-01-31")).state).toBe("complete");
    // No upload or deletion leftovers: only the owner records beside the packages.
    expect((await readdir(join(dir, "store"))).filter((n) => n.startsWith("."))).toEqual([".owners"]);
    expect(await storage.owner("2026-01-01_2026-01-31")).toMatchObject({ version: 1 });
    expect((await readFile(join(dir, "calls.log"), "utf8")).trim().split("\n")).toEqual([
      "2026-01-01_2026-01-31",
      "2026-01-01_2026-01-31",
    ]);
    const completed = (await ledgerRecords(dir)).filter((r) => r.event === "export.completed");
    expect(completed.map((r) => r.period_from)).toEqual(["2026-01-01"]);
    expect(await readdir(join(dir, "state", "staging"))).toEqual([]);
    const state = JSON.parse(await readFile(join(dir, "state", "export-state.json"), "utf8"));
    expect(state.last_completed).toEqual({ from: "2026-01-01", to: "2026-01-31" });
  });
});
