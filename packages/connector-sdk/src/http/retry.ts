import { type ConnectorError, isConnectorError } from "../errors/connector-error.ts";
import type { Logger } from "../logger/logger.ts";
import { backoffDelay, type RetryOptions } from "./retry-policy.ts";
import type { Sleep } from "./sleep.ts";

/** How one run of {@link Retrier} is bounded. */
interface RetryRun {
  /** Aborts the run: the wait ends at once and the run rejects with `aborted()`. */
  signal: AbortSignal;
  /** The error an aborted run rejects with. */
  aborted: () => ConnectorError;
  /** Retries after the first attempt. @default the policy's `limit` */
  limit?: number;
  /** Narrows which retryable errors are retried (the HTTP client retries only its own attempts' failures). */
  retryIf?: (error: ConnectorError) => boolean;
}

/** Runs `operation` again while it fails with a retryable `ConnectorError`, waiting between attempts. */
export type Retrier = <T>(operation: (attempt: number) => Promise<T>, run: RetryRun) => Promise<T>;

/** What a {@link Retrier} waits with. */
interface RetrierDeps {
  policy: Required<RetryOptions>;
  sleep: Sleep;
  random: () => number;
  logger: Logger;
}

/**
 * The one retry loop of the SDK, shared by `ctx.http` and `ctx.retry`: waits as long as the error's
 * `retryAfterMs` asks (a longer wait than the policy allows ends the run with that error, still
 * retryable for a later push), else an exponential backoff with jitter; gives up after `limit` retries.
 */
export function createRetrier(deps: RetrierDeps): Retrier {
  const { policy, sleep, random, logger } = deps;
  return async (operation, run) => {
    const limit = run.limit ?? policy.limit;
    for (let attempt = 1; ; attempt++) {
      if (run.signal.aborted) throw run.aborted();
      try {
        return await operation(attempt);
      } catch (error) {
        if (run.signal.aborted) throw run.aborted();
        if (!isConnectorError(error) || !error.retryable || attempt > limit) throw error;
        if (run.retryIf && !run.retryIf(error)) throw error;
        const asked = error.retryAfterMs;
        if (asked !== undefined && asked > policy.maxRetryAfterMs) throw error;
        const delay = asked ?? backoffDelay(attempt, policy, random);
        logger.debug("retrying", { attempt, code: error.code, delay_ms: delay });
        try {
          await sleep(delay, run.signal);
        } catch {
          throw run.aborted();
        }
      }
    }
  };
}
