/** A timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly id: unknown };

/**
 * Time as the plugin sees it. The scheduler, outbox and pollers take one so tests can move time
 * by hand and never wait for real time.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
  /** Calls `fn` once after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a no-op when it already fired. */
  clearTimeout(handle: TimerHandle): void;
}

// setTimeout overflows past 2^31-1 ms (~24.8 days); longer waits re-arm in steps.
const MAX_DELAY = 2_147_483_647;

/** The real clock (unref'd timers, so a pending schedule never keeps a process alive by itself). */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout(fn, ms) {
    const box: { id: NodeJS.Timeout | undefined } = { id: undefined };
    const due = Date.now() + Math.max(0, ms);
    const arm = () => {
      const left = due - Date.now();
      box.id = setTimeout(left > MAX_DELAY ? arm : fn, Math.min(Math.max(0, left), MAX_DELAY));
      box.id.unref();
    };
    arm();
    return box as TimerHandle;
  },
  clearTimeout(handle) {
    const id = (handle as { id: NodeJS.Timeout | undefined }).id;
    if (id !== undefined) clearTimeout(id);
  },
};

/** Formats an instant as Go's RFC 3339 (`time.Time` JSON): UTC, fraction only when non-zero. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_, frac: string) => (frac ? `.${frac}Z` : "Z"));
}
