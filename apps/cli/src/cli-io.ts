/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  /** Writes machine or human output. */
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  /** Writes diagnostics and the progress bar. */
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** Environment variables (for `${VAR}` in config files and `IDDIO_HOME`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  cwd: string;
}

/** A CLI command: parses its own arguments, returns the exit code (0 ok, 1 not verified / push failed, 2 usage or input error). */
export type Command = (argv: string[], io: CliIo) => Promise<number>;

/** The process's own io. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
