/** Exponential backoff of a retried job. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. @default 60_000 */
  baseMs?: number;
  /** Longest delay between retries, in ms. @default 3_600_000 */
  maxMs?: number;
}

/** The delay before retry number `attempt` (1 = first retry): base · 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 60_000;
  const max = options.maxMs ?? 3_600_000;
  return Math.min(max, base * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}
