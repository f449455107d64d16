import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { spawnCli } from "./run-cli.ts";

/** One JSON log line `serve` wrote on stderr. */
export interface ServeLogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** Polls `probe` every 50 ms until it returns a value, at most `ms`; `undefined` when it never did. */
export async function poll<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  ms: number,
): Promise<T | undefined> {
  for (let waited = 0; waited <= ms; waited += 50) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
  return undefined;
}

/**
 * `iddio-compliance serve --verbose` in a child process (the real CLI entry), with its log lines
 * parsed as they arrive. {@link killWhen} SIGKILLs it from the stderr handler itself, the moment a
 * matching line arrives, so the process is stopped as close to that step as a signal allows.
 */
export class ServeProcess {
  readonly child: ChildProcess;
  readonly lines: ServeLogLine[] = [];
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<number | string | null>;
  #partial = "";
  #killWhen: ((line: ServeLogLine) => boolean) | undefined;

  constructor(configPath: string, env: Record<string, string> = {}) {
    this.child = spawnCli(["serve", "--config", configPath, "--verbose"], env);
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => resolve(signal ?? code)),
    );
    this.child.stderr?.on("data", (chunk: Buffer) => {
      const text = this.#partial + chunk.toString("utf8");
      const parts = text.split("\n");
      this.#partial = parts.pop() ?? "";
      for (const part of parts) {
        let line: ServeLogLine;
        try {
          line = JSON.parse(part) as ServeLogLine;
        } catch {
          line = { level: "raw", msg: part };
        }
        this.lines.push(line);
        if (this.#killWhen?.(line)) {
          this.#killWhen = undefined;
          this.child.kill("SIGKILL");
        }
      }
    });
  }

  /** SIGKILLs the process as soon as it logs a line matching `predicate`. */
  killWhen(predicate: (line: ServeLogLine) => boolean): void {
    this.#killWhen = predicate;
  }

  /** The first line (already logged or coming within `ms`) matching `predicate`. */
  waitFor(predicate: (line: ServeLogLine) => boolean, ms = 60_000): Promise<ServeLogLine | undefined> {
    return poll(() => this.lines.find(predicate), ms);
  }

  /** The `/healthz` and `/metrics` base URL, once serving. */
  async url(ms = 60_000): Promise<string> {
    const line = await this.waitFor((l) => /^serving \/healthz and \/metrics on /.test(l.msg), ms);
    if (!line) throw new Error(`serve did not start:\n${this.text()}`);
    return line.msg.replace(/^serving \/healthz and \/metrics on /, "");
  }

  /** `/healthz` as JSON, or `undefined` when it does not answer. */
  async health(): Promise<Record<string, unknown> | undefined> {
    const url = await this.url();
    return fetch(`${url}/healthz`).then(
      (r) => r.json() as Promise<Record<string, unknown>>,
      () => undefined,
    );
  }

  /** SIGKILLs the process now and waits for it to end. */
  async kill(): Promise<void> {
    this.child.kill("SIGKILL");
    await this.exited;
  }

  /** Every log line, one per line, for failure messages. */
  text(): string {
    return this.lines.map((l) => JSON.stringify(l)).join("\n");
  }
}
