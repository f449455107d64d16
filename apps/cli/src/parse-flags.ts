import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./usage-error.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;
type WithHelp<T extends Options> = T & { help: { type: "boolean"; short: "h" } };
/** What {@link parseFlags} returns: typed values (with `help`) and positionals. */
export type ParsedFlags<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: WithHelp<T>; allowPositionals: boolean; strict: true }>
>;

/** Parses flags with `node:util`, turning its errors into {@link UsageError}s that name the flag. */
export function parseFlags<T extends Options>(
  argv: string[],
  options: T,
  allowPositionals = false,
): ParsedFlags<T> {
  try {
    const all: WithHelp<T> = { ...options, help: { type: "boolean", short: "h" } };
    return parseArgs({ args: argv, options: all, allowPositionals, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(message);
  }
}

/** Reads a required string flag. */
export function required(value: string | boolean | undefined | (string | boolean)[], flag: string): string {
  if (typeof value !== "string" || value.length === 0) throw new UsageError(`missing required flag ${flag}`);
  return value;
}
