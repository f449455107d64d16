import type { Logger } from "@iddio-compliance/connector-sdk";
import type { PeriodDates } from "@iddio-compliance/core";
import type { CronSchedule } from "../config/cron-schedule.ts";
import type { PeriodKind } from "../config/resolve-config.ts";
import type { Clock, TimerHandle } from "../util/clock.ts";
import { type JobRetryOptions, jobRetryDelay } from "../util/job-retry.ts";
import { SingleFlight } from "../util/single-flight.ts";
import { addMonths, dateInZone } from "./calendar.ts";
import { duePeriods } from "./due-periods.ts";
import type { Checkpoint, ExportState, ExportStateStore } from "./export-state.ts";
import { owedSince } from "./owed-since.ts";
import { periodKey } from "./period.ts";

/**
 * How a run ended: `exported` (stored and recorded by this replica, or found stored by its own
 * earlier run), `skipped` (another replica owns the period's package: done here too) or
 * `deferred` (another replica is still running it: look again later, the period stays owed).
 */
export type RunOutcome = "exported" | "skipped" | "deferred";

/** Runs the export of one period; resolves once the package is stored and recorded. */
export type RunPeriod = (
  period: PeriodDates,
  context: { anchor: Checkpoint | null; signal: AbortSignal; attempt: number },
) => Promise<{
  /** The checkpoint to pass to the next export; `null` keeps the previous one (e.g. unverified chain). */
  checkpoint: Checkpoint | null;
  /** @default "exported" */
  outcome?: RunOutcome;
}>;

/** Options of {@link ExportScheduler}. */
export interface ExportSchedulerOptions {
  schedule: CronSchedule;
  period: PeriodKind;
  /** Months of retention; periods already past it are not caught up. */
  retentionMonths?: number | undefined;
  /** Periods from this date (in the schedule's zone) on are owed, even those before the first start. */
  backfillFrom?: string | undefined;
  state: ExportStateStore;
  clock: Clock;
  logger: Logger;
  /** Backoff of failed runs. @default { baseDelayMs: 60_000, maxDelayMs: 3_600_000 } */
  retry?: JobRetryOptions;
  run: RunPeriod;
  /** How long a shutdown waits for an aborted export to stop before returning anyway. @default 5_000 */
  abortGraceMs?: number;
  /** Called after each period done (exported here, or skipped because another replica owns it). */
  onSuccess?(period: PeriodDates, durationMs: number, outcome: "exported" | "skipped"): void | Promise<void>;
  /** Called after each failed attempt, with the delay before the retry. */
  onFailure?(period: PeriodDates, attempt: number, error: unknown, retryInMs: number): void | Promise<void>;
}

/**
 * Cron-driven exports (DESIGN §7.3): single flight, every owed period exported oldest first
 * (catch-up after downtime), the last completed period persisted after each success, failures
 * retried with exponential backoff. Timers come from the injected clock.
 */
export class ExportScheduler {
  readonly #o: ExportSchedulerOptions;
  #state: ExportState | undefined;
  readonly #flight: SingleFlight;
  #stopped = false;
  #fireTimer: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #retryAt = 0;
  #attempts = 0;
  #deferrals = 0;
  #abort = new AbortController();
  #inFlight: PeriodDates | null = null;

  constructor(options: ExportSchedulerOptions) {
    this.#o = options;
    this.#flight = new SingleFlight(
      () => this.#loop(),
      (error) => options.logger.error("scheduler pass failed", { error: (error as Error).message }),
    );
  }

  /** The persisted state as last loaded or saved. */
  get state(): Readonly<ExportState> | undefined {
    return this.#state;
  }

  /** The period being exported right now, if any. */
  get inFlight(): PeriodDates | null {
    return this.#inFlight;
  }

  /** Loads the state, starts catching up what is owed and arms the next fire. */
  async start(): Promise<void> {
    this.#state = await this.#o.state.load(this.#o.clock.now());
    this.#armFire();
    this.trigger();
  }

  /** Looks for owed periods now (single flight: a call during a run schedules one more pass). */
  trigger(): void {
    this.#flight.trigger();
  }

  /** Resolves when no run is in flight or queued. */
  whenIdle(): Promise<void> {
    return this.#flight.whenIdle();
  }

  /**
   * Stops scheduling. The export in flight completes, unless `signal` aborts first: then it is
   * aborted and leaves nothing half-written (the period stays owed).
   */
  async stop(signal?: AbortSignal): Promise<void> {
    this.#stopped = true;
    if (this.#fireTimer) this.#o.clock.clearTimeout(this.#fireTimer);
    if (this.#retryTimer) this.#o.clock.clearTimeout(this.#retryTimer);
    if (!(await this.#flight.stopAborting(this.#abort, signal, this.#o.abortGraceMs ?? 5_000)))
      this.#o.logger.warn("export did not stop in time after shutdown; the period stays owed");
  }

  #armFire(): void {
    if (this.#stopped) return;
    const now = this.#o.clock.now();
    const next = this.#o.schedule.nextAfter(now);
    if (!next) return;
    this.#fireTimer = this.#o.clock.setTimeout(() => {
      this.#armFire();
      this.trigger();
    }, next.getTime() - now.getTime());
  }

  async #afterSuccess(
    period: PeriodDates,
    durationMs: number,
    outcome: "exported" | "skipped",
  ): Promise<void> {
    try {
      await this.#o.onSuccess?.(period, durationMs, outcome);
    } catch (error) {
      // The period is stored and recorded; a follow-up failure (retention) must not re-run it.
      this.#o.logger.error("after-export step failed", {
        period: periodKey(period),
        error: (error as Error).message,
      });
    }
  }

  async #loop(): Promise<void> {
    const o = this.#o;
    for (;;) {
      const state = this.#state;
      if (!state || this.#stopped) return;
      const now = o.clock.now();
      if (now.getTime() < this.#retryAt) return;
      const [period] = duePeriods({
        kind: o.period,
        schedule: o.schedule,
        now,
        initializedAt: owedSince(state.initialized_at, o.backfillFrom, o.schedule.timeZone),
        lastCompleted: state.last_completed,
        notBefore:
          o.retentionMonths === undefined
            ? undefined
            : addMonths(dateInZone(now, o.schedule.timeZone), -o.retentionMonths),
      });
      if (!period) return;

      this.#inFlight = period;
      const attempt = this.#attempts + 1;
      try {
        o.logger.info("export started", { period: periodKey(period), attempt });
        const result = await o.run(period, { anchor: state.checkpoint, signal: this.#abort.signal, attempt });
        if (result.outcome === "deferred") {
          // Another replica is running this period: look again after a backoff, without counting a failure.
          this.#deferrals++;
          const delay = jobRetryDelay(this.#deferrals, o.retry);
          this.#retryAt = o.clock.now().getTime() + delay;
          if (this.#retryTimer) o.clock.clearTimeout(this.#retryTimer);
          this.#retryTimer = o.clock.setTimeout(() => this.trigger(), delay);
          return;
        }
        const outcome = result.outcome ?? "exported";
        const finished = o.clock.now();
        const durationMs = finished.getTime() - now.getTime();
        this.#state = {
          ...state,
          last_completed: period,
          checkpoint: result.checkpoint ?? state.checkpoint,
          last_success_at: finished.toISOString(),
          last_duration_ms: durationMs,
        };
        await o.state.save(this.#state);
        this.#attempts = 0;
        this.#deferrals = 0;
        this.#retryAt = 0;
        o.logger.info(outcome === "skipped" ? "export skipped" : "export completed", {
          period: periodKey(period),
          duration_ms: durationMs,
        });
        await this.#afterSuccess(period, durationMs, outcome);
      } catch (error) {
        if (this.#abort.signal.aborted) {
          o.logger.warn("export aborted by shutdown; the period stays owed", { period: periodKey(period) });
          return;
        }
        this.#attempts = attempt;
        const delay = jobRetryDelay(attempt, o.retry);
        this.#retryAt = o.clock.now().getTime() + delay;
        o.logger.error("export failed; retrying with backoff", {
          period: periodKey(period),
          attempt,
          retry_in_ms: delay,
          error: (error as Error).message,
        });
        await o.onFailure?.(period, attempt, error, delay);
        if (this.#retryTimer) o.clock.clearTimeout(this.#retryTimer);
        this.#retryTimer = o.clock.setTimeout(() => this.trigger(), delay);
        return;
      } finally {
        this.#inFlight = null;
      }
    }
  }
}
