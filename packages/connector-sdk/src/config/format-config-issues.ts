import { formatKeyPath } from "@iddio-compliance/schema";
import type { z } from "zod";

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
