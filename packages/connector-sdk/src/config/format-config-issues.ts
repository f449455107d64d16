import type { z } from "zod";

/** Formats a key path as config authors write it: `documents["CC6.1"]`, `control_ids["CC7.2"][0]`. */
export function formatKeyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(segment)))
      out += out ? `.${String(segment)}` : String(segment);
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * One readable sentence per zod issue, each naming the option:
 * `Missing required option "client_id"`, `Unknown option "clientid"`, `Invalid option "region": …`.
 */
export function formatConfigIssues(
  error: z.ZodError,
  input: unknown,
  prefix: ReadonlyArray<PropertyKey> = [],
): string[] {
  return error.issues.slice(0, 5).map((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((key) => `"${formatKeyPath([...path, key])}"`).join(", ");
      return `Unknown option${issue.keys.length > 1 ? "s" : ""} ${keys}`;
    }
    const key = formatKeyPath(path) || "(config)";
    if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined)
      return `Missing required option "${key}"`;
    return `Invalid option "${key}": ${issue.message}`;
  });
}
