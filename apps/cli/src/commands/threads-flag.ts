import { UsageError } from "../usage-error.ts";

/** Reads `--threads`: `undefined` leaves the default; errors name the flag. */
export function parseThreads(value: string | undefined): { hashThreads?: number } {
  if (value === undefined) return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new UsageError(`--threads: "${value}" is not a whole number from 0 to 64`);
  return { hashThreads: n };
}
