import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { CliIo } from "../cli-io.ts";

/** The source when `--source` is not given: `$IDDIO_HOME`, else `~/.iddio` (DESIGN §6). */
export function resolveSource(flag: string | undefined, io: CliIo): string {
  if (flag) return resolve(io.cwd, flag);
  const home = io.env.IDDIO_HOME;
  return home ? resolve(io.cwd, home) : join(homedir(), ".iddio");
}
