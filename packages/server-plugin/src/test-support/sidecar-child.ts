// A sidecar process for the crash test. Usage: sidecar-child.ts <config> <work dir> <block|run>
// "block" stops for good half-way through the export (the test then SIGKILLs it); "run" exports
// whatever is owed, closes and exits.
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startSidecar } from "../sidecar/start-sidecar.ts";
import { ManualClock } from "./manual-clock.ts";
import { testExporter } from "./test-exporter.ts";

const [configPath = "", work = "", mode = "run"] = process.argv.slice(2);
const exporter = testExporter({
  beforeSummary: async (call) => {
    await appendFile(join(work, "calls.log"), `${call.from}_${call.to}\n`);
    if (mode === "block") {
      await writeFile(join(work, "blocked"), "");
      setInterval(() => {}, 1000);
      await new Promise(() => {});
    }
  },
});
const sidecar = await startSidecar({
  configPath,
  env: {},
  listen: "127.0.0.1:0",
  clock: new ManualClock("2026-02-15T00:00:00Z"),
  exporter,
  connectors: async () => [],
});
await sidecar.plugin.whenIdle();
await sidecar.close();
await writeFile(join(work, "done"), "");
