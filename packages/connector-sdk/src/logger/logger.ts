import type { Redactor } from "../redact/redactor.ts";

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** Where a connector's log lines go. Inject your own (pino, the iddio server's logger, a test recorder). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that writes one JSON line per call to stderr. */
export function createStderrLogger(stream: { write(chunk: string): unknown } = process.stderr): Logger {
  const line =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      stream.write(`${JSON.stringify({ level, time: new Date().toISOString(), message, ...fields })}\n`);
    };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

/** The default logger: silent, or stderr when `DEBUG` mentions `iddio-compliance` (or is `*`). */
export function defaultLogger(env: Readonly<Record<string, string | undefined>> = process.env): Logger {
  const debug = env.DEBUG ?? "";
  return /iddio-compliance|\*/.test(debug) ? createStderrLogger() : silentLogger;
}

function redactValue(value: unknown, redactor: Redactor, depth: number): unknown {
  if (typeof value === "string") return redactor.redact(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return redactor.redact(`${value.name}: ${value.message}`);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, redactor, depth + 1);
  return out;
}

/** Wraps `logger` so that every message and every string field passes through `redactor` first. */
export function redactingLogger(logger: Logger, redactor: Redactor, bindings: LogFields = {}): Logger {
  const out = {} as Logger;
  for (const level of LEVELS) {
    out[level] = (message, fields) => {
      logger[level](
        redactor.redact(message),
        redactValue({ ...bindings, ...fields }, redactor, 0) as LogFields,
      );
    };
  }
  return out;
}
