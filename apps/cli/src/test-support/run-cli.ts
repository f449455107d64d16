import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CliIo } from "../cli-io.ts";
import { main } from "../main.ts";

/** `export` arguments for `source` into `output` over one period (February 2026 unless told). */
export function exportArgs(source: string, output: string, from = "2026-02-01", to = "2026-02-28"): string[] {
  return ["export", "--source", source, "--from", from, "--to", to, "--output", output];
}

/** Runs the CLI in-process with captured output. */
export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean } = {},
) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const GO_FIXTURES = fileURLToPath(
  new URL("../../../../packages/core/src/chain/fixtures/go/", import.meta.url),
);
const DEV_ENTRY = fileURLToPath(new URL("../dev-entry.ts", import.meta.url));

/** Spawns the CLI from source in a child process (from the repo root, where `tsx` resolves: pass absolute paths). */
export function spawnCli(argv: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, ["--conditions=dev-source", "--import", "tsx", DEV_ENTRY, ...argv], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
}
