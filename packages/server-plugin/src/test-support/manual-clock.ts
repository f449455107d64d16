import type { Clock, TimerHandle } from "../util/clock.ts";

/** A clock moved by hand: timers fire, in order, only when the test advances time. */
export class ManualClock implements Clock {
  #now: number;
  #timers: Array<{ id: number; at: number; fn: () => void }> = [];
  #next = 1;

  constructor(start: string | Date) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle.id);
  }

  /** Pending timers (for assertions on backoff). */
  get pending(): number[] {
    return this.#timers.map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time to `to`, firing each timer due on the way at its own instant. */
  set(to: string | Date): void {
    const target = new Date(to).getTime();
    for (let i = 0; i < 10_000; i++) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = Math.max(this.#now, target);
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.set(new Date(this.#now + ms));
  }
}
