import type { Redactor } from "@iddio-compliance/connector-sdk";
import type { LogFields, Logger } from "./logger.ts";

function scrub(value: unknown, redactor: Redactor, depth: number): unknown {
  if (typeof value === "string") return redactor.redact(value);
  if (value instanceof Error) return redactor.redact(`${value.name}: ${value.message}`);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, redactor, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrub(item, redactor, depth + 1);
  return out;
}

/** Wraps `logger` so every message and string field has the config's secrets replaced. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const wrap =
    (level: keyof Logger) =>
    (message: string, fields?: LogFields): void =>
      logger[level](
        redactor.redact(message),
        fields === undefined ? undefined : (scrub(fields, redactor, 0) as LogFields),
      );
  return { debug: wrap("debug"), info: wrap("info"), warn: wrap("warn"), error: wrap("error") };
}
