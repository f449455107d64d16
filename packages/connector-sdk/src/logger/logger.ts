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

/** Options of {@link createStderrLogger}. */
export interface StderrLoggerOptions {
  /** Whether `debug` lines are written. @default true */
  debug?: boolean;
  /** Applied to each message before it is written (a terminal sanitiser). @default no change */
  sanitize?: (message: string) => string;
}

/** A logger that writes one JSON line per call (`{ time, level, msg, ...fields }`, as pino does) to `stream`. */
export function createStderrLogger(
  stream: { write(chunk: string): unknown } = process.stderr,
  options: StderrLoggerOptions = {},
): Logger {
  const sanitize = options.sanitize ?? ((message: string) => message);
  const line =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      const msg = sanitize(message);
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
    };
  return {
    debug: options.debug === false ? () => {} : line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
  };
}

/** The default logger: silent, or JSON lines on `stream` when `DEBUG` mentions `iddio-compliance` (or is `*`). */
export function defaultLogger(
  env: Readonly<Record<string, string | undefined>> = process.env,
  stream: { write(chunk: string): unknown } = process.stderr,
): Logger {
  const debug = env.DEBUG ?? "";
  return /iddio-compliance|\*/.test(debug) ? createStderrLogger(stream) : silentLogger;
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
