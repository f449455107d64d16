import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { exportArgs, GO_FIXTURES, runCli, spawnCli } from "../test-support/run-cli.ts";

describe("a killed export", () => {
  it("leaves no package folder behind, and the next export succeeds and sweeps its staging and spool folders", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kill-"));
    // A large log (the chain repeated: links break, which keeps the verifier busy) so the export is mid-run when killed.
    const lines = readFileSync(join(GO_FIXTURES, "chain.jsonl"));
    writeFileSync(join(dir, "audit.jsonl"), Buffer.concat(Array.from({ length: 6000 }, () => lines)));
    const out = join(dir, "evidence");
    const child = spawnCli(exportArgs(dir, out));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // The spools (long lists) sit beside the staging folder with its prefix, never in the system's temp folder.
    const leftovers = () =>
      readdirSync(dir)
        .filter((n) => n.startsWith(`.evidence.tmp-${child.pid}-`))
        .sort();
    for (let i = 0; i < 600 && leftovers().length < 2; i++) await sleep(25);
    expect(leftovers()).toEqual([
      expect.stringMatching(/^\.evidence\.tmp-\d+-\w+$/),
      expect.stringMatching(/^\.evidence\.tmp-\d+-\w+-spool-\w+$/),
    ]);
    child.kill("SIGKILL");
    await exited;
    expect(existsSync(out)).toBe(false);

    const r = await runCli(exportArgs(join(GO_FIXTURES, "chain.jsonl"), out));
    expect(r.code).toBe(0);
    expect(readdirSync(dir).filter((n) => n.startsWith(".evidence.tmp-"))).toEqual([]);
  });
});
