import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./push-package-script.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));

/**
 * Pushes the package in `dir` with the webhook connector from a fresh Node process (source through
 * tsx, as the CLI's tests run it), so nothing in memory carries over: a process restart.
 */
export function pushInNewProcess(dir: string, config: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=dev-source", "--import", "tsx", SCRIPT, dir, JSON.stringify(config)],
      { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`push process exited ${code}: ${stderr}`)),
    );
  });
}
