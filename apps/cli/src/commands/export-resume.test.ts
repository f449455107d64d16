import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateHome } from "@iddio-compliance/simulator";
import { beforeAll, describe, expect, it } from "vitest";
import { evidenceDifferences } from "../../../../packages/core/src/test-support/same-evidence.ts";
import { exportArgs, runCli } from "../test-support/run-cli.ts";

let root: string;
let home: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cli-resume-"));
  home = join(root, "home");
  await generateHome({
    outDir: home,
    seed: "cli-resume",
    from: "2026-01-01",
    to: "2026-02-28",
    events: 1500,
    rotateEvents: 400,
    approvalRecords: "mixed",
  });
  const january = await runCli(exportArgs(home, join(root, "january"), "2026-01-01", "2026-01-31"));
  expect(january.code).toBe(0);
}, 120_000);

describe("iddio-compliance export --resume-from", () => {
  it("reads only the log after the previous package's checkpoint and writes a full pass's evidence", async () => {
    const full = await runCli(exportArgs(home, join(root, "february-full")));
    const resumed = await runCli([
      ...exportArgs(home, join(root, "february-resumed")),
      "--resume-from",
      join(root, "january"),
    ]);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(full.code).toBe(0);
    expect(resumed.stdout).toContain("Read: after the checkpoint of --resume-from only");
    expect(evidenceDifferences(join(root, "february-full"), join(root, "february-resumed"))).toEqual([]);
  });

  it("takes the checkpoint file itself as well as its package folder", async () => {
    const r = await runCli([
      ...exportArgs(home, join(root, "february-from-file")),
      "--resume-from",
      join(root, "january", "checkpoint.json"),
    ]);
    expect(r.code).toBe(0);
    expect(evidenceDifferences(join(root, "february-resumed"), join(root, "february-from-file"))).toEqual([]);
  });

  it("refuses, naming --resume-from, a checkpoint whose period ends after the exported period starts", async () => {
    const r = await runCli([
      ...exportArgs(home, join(root, "january-again"), "2026-01-15", "2026-01-31"),
      "--resume-from",
      join(root, "january"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--resume-from:");
    expect(r.stderr).toContain("it can only resume a period that starts at or after it");
  });

  it("refuses a package whose checkpoint.json no longer matches its manifest", async () => {
    const copy = join(root, "january", "checkpoint.json");
    const altered = join(root, "altered");
    cpSync(join(root, "january"), altered, { recursive: true });
    writeFileSync(
      join(altered, "checkpoint.json"),
      readFileSync(copy, "utf8").replace('"version": 1', '"version":1'),
    );
    const r = await runCli([...exportArgs(home, join(root, "february-altered")), "--resume-from", altered]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("does not match the SHA-256 its package's manifest lists");
  });
});
