import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { exportArgs, GO_FIXTURES, runCli, spawnCli } from "../test-support/run-cli.ts";

describe("a killed export", () => {
  it("leaves no package folder behind, and the next export succeeds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kill-"));
    // A large log (the chain repeated: links break, which keeps the verifier busy) so the export is mid-run when killed.
    const lines = readFileSync(join(GO_FIXTURES, "chain.jsonl"));
    writeFileSync(join(dir, "audit.jsonl"), Buffer.concat(Array.from({ length: 6000 }, () => lines)));
    const out = join(dir, "evidence");
    const child = spawnCli(exportArgs(dir, out));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let sawStaging = false;
    for (let i = 0; i < 600 && !sawStaging; i++) {
      sawStaging = readdirSync(dir).some((n) => n.startsWith(".evidence.tmp-"));
      if (!sawStaging) await sleep(25);
    }
    expect(sawStaging).toBe(true);
    child.kill("SIGKILL");
    await exited;
    expect(existsSync(out)).toBe(false);

    const r = await runCli(exportArgs(join(GO_FIXTURES, "chain.jsonl"), out));
    expect(r.code).toBe(0);
    expect(readdirSync(dir).filter((n) => n.startsWith(".evidence.tmp-"))).toEqual([]);
  });
});
