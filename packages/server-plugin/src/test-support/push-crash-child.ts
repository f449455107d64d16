// A sidecar for the push crash test that SIGKILLs itself at one step of an export or a push.
// Usage: push-crash-child.ts <config> <work dir> <kill point>; see PUSH_KILL_POINTS. When the run
// ends without reaching its kill point it writes <work dir>/not-killed (the test fails on it).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@iddio-compliance/connector-sdk";
import { startSidecar } from "../sidecar/start-sidecar.ts";
import { fileRemoteConnector } from "./file-remote-connector.ts";
import { ManualClock } from "./manual-clock.ts";
import { PUSH_KILL_POINTS, type PushKillPoint } from "./push-kill-points.ts";
import { testExporter } from "./test-exporter.ts";

const [configPath = "", work = "", point = ""] = process.argv.slice(2);
const at = PUSH_KILL_POINTS[point as PushKillPoint];
if (!at) throw new Error(`unknown kill point "${point}"`);
const kill = () => process.kill(process.pid, "SIGKILL");
const log =
  () =>
  (message: string): void => {
    if (at.log && message.startsWith(at.log)) kill();
  };
const logger: Logger = { debug: log(), info: log(), warn: log(), error: log() };
const clock = new ManualClock(at.start);
const sidecar = await startSidecar({
  configPath,
  env: {},
  listen: "127.0.0.1:0",
  handleSignals: false,
  logger,
  clock,
  exporter: testExporter(),
  retry: { baseDelayMs: 1000, maxDelayMs: 8000 },
  connectors: async () => [
    fileRemoteConnector(work, "grc", {
      failures: at.failing ? 1_000 : 0,
      ...(point === "push-sent" ? { onSend: kill } : {}),
      ...(point === "push-accepted" ? { onStored: kill } : {}),
    }),
  ],
});
await sidecar.plugin.whenIdle();
if (at.later) {
  clock.set(at.later);
  await sidecar.plugin.whenIdle();
}
await writeFile(join(work, "not-killed"), point);
await sidecar.close();
