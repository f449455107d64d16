import type { Logger } from "@iddio-compliance/connector-sdk";
import type { Clock, TimerHandle } from "../util/clock.ts";

/** Bounds of the polling interval: fs.watch is unreliable, so files are polled. */
const MIN_POLL_MS = 100;
const MAX_POLL_MS = 60_000;

/** A loop that runs `poll` every `intervalMs` (clamped), never two at once. */
export interface PollLoop {
  /** Runs one poll now (after the one in flight) and resolves when it ends. */
  pollNow(): Promise<void>;
  /** Stops the loop; resolves when the poll in flight ends. */
  stop(): Promise<void>;
}

/** Starts polling; the first poll runs at once. Failures are logged and polling continues. */
export function startPollLoop(options: {
  name: string;
  poll(): Promise<void>;
  intervalMs: number;
  clock: Clock;
  logger: Logger;
}): PollLoop {
  const interval = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, options.intervalMs));
  let stopped = false;
  let timer: TimerHandle | undefined;
  let chain: Promise<void> = Promise.resolve();

  const run = (): Promise<void> => {
    chain = chain.then(async () => {
      if (stopped) return;
      try {
        await options.poll();
      } catch (error) {
        options.logger.error(`sidecar: ${options.name} poll failed`, { error: (error as Error).message });
      }
    });
    return chain;
  };
  const tick = () => {
    void run().then(() => {
      if (!stopped) timer = options.clock.setTimeout(tick, interval);
    });
  };
  tick();
  return {
    pollNow: run,
    async stop() {
      stopped = true;
      if (timer) options.clock.clearTimeout(timer);
      await chain;
    },
  };
}
