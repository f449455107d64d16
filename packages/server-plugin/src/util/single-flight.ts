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
}
