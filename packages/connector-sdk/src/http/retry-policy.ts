/** How the HTTP client retries. Every field has a default; tests shrink the delays. */
export interface RetryOptions {
  /** Retries after the first attempt (so `limit + 1` attempts at most). @default 3 */
  limit?: number;
  /** Delay before the first retry; doubles with each retry. @default 500 */
  baseDelayMs?: number;
  /** Upper bound of one computed backoff delay. @default 30000 */
  maxDelayMs?: number;
  /** Longest `Retry-After` the client waits for; a longer one ends the retries with a retryable error. @default 60000 */
  maxRetryAfterMs?: number;
}

/** Statuses worth retrying: request timeout, rate limit and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Exponential backoff with jitter: `base · 2^(retry-1)`, capped at `maxDelayMs`, then scaled into
 * `[50 %, 100 %]` by `random()` so that clients failing together do not retry together (`() => 1`:
 * no jitter, for a job only one process retries).
 */
export function backoffDelay(
  retry: number,
  options: Pick<Required<RetryOptions>, "baseDelayMs" | "maxDelayMs">,
  random: () => number,
): number {
  const doublings = Math.min(30, Math.max(0, retry - 1));
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** doublings);
  return Math.round(exponential * (0.5 + 0.5 * Math.min(1, Math.max(0, random()))));
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delta-seconds or an HTTP-date relative
 * to `now`. `undefined` when absent or unparsable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Fills the defaults of {@link RetryOptions}. */
export function resolveRetryOptions(options: RetryOptions = {}): Required<RetryOptions> {
  return {
    limit: Math.max(0, Math.floor(options.limit ?? 3)),
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
  };
}
