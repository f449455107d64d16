import { settleAfterAbort } from "./settle-after-abort.ts";

/**
 * Runs `pass` one at a time: a trigger during a pass queues exactly one more pass, so bursts of
 * triggers collapse and nothing is missed.
 */
export class SingleFlight {
  readonly #pass: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(pass: () => Promise<void>, onError: (error: unknown) => void) {
    this.#pass = pass;
    this.#onError = onError;
  }

  /** Starts a pass, or queues one when a pass is running. */
  trigger(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass()
      .catch(this.#onError)
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.trigger();
        }
      });
  }

  /** Resolves when no pass is running or queued. */
  async whenIdle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Refuses new passes; resolves when the running one ends. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#again = false;
    await this.whenIdle();
  }

  /**
   * Stops like {@link stop}; once `signal` aborts (or if it already has), aborts `work`, the
   * controller the passes listen to, and waits at most `graceMs` more for a pass that ignores it.
   * Resolves `false` when the grace ran out first.
   */
  async stopAborting(
    work: AbortController,
    signal: AbortSignal | undefined,
    graceMs: number,
  ): Promise<boolean> {
    const abort = () => work.abort(new Error("the server is closing"));
    if (signal?.aborted) abort();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      return await settleAfterAbort(this.stop(), signal, graceMs);
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }
}
