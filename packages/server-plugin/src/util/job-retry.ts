import { backoffDelay, type RetryOptions } from "@iddio-compliance/connector-sdk";

/** Backoff of failed exports and pushes, in the SDK's terms. */
export type JobRetryOptions = Pick<RetryOptions, "baseDelayMs" | "maxDelayMs">;

/**
 * The delay before retry number `attempt` (1 = the first) of an export or a push: the SDK's
 * backoff, without jitter (one replica owns each job), from 1 minute up to 1 hour by default.
 */
export function jobRetryDelay(attempt: number, options: JobRetryOptions = {}): number {
  const delays = { baseDelayMs: options.baseDelayMs ?? 60_000, maxDelayMs: options.maxDelayMs ?? 3_600_000 };
  return backoffDelay(attempt, delays, () => 1);
}
