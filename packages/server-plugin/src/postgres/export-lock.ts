import type { PeriodDates } from "@iddio-compliance/core";
import { advisoryLockKey, tryAdvisoryLock } from "@iddio-compliance/source-postgres";
import { periodKey } from "../scheduler/period.ts";

/** A held export lock: the run stops when `signal` aborts (the lock was lost). */
export interface ExportLease {
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

/** Elects one runner per period among replicas (DESIGN §7.3). */
export interface ExportLock {
  /**
   * Takes the lock for `period`, waiting up to `waitMs` for the replica holding it (0: never
   * waits); `null` when another replica still holds it. `signal` stops the wait.
   */
  acquire(
    period: PeriodDates,
    options: { waitMs: number; signal?: AbortSignal },
  ): Promise<ExportLease | null>;
}

/**
 * The replicas' lock: a PostgreSQL session-level advisory lock on a key derived from the
 * organisation and the period (`iddio-compliance/export/<org>/<from>_<to>`), held on its own
 * connection for the whole run. PostgreSQL releases it when that connection closes, so a
 * crashed replica never keeps it.
 */
export function postgresExportLock(url: string, orgId: string): ExportLock {
  return {
    acquire: (period, options) =>
      tryAdvisoryLock(url, advisoryLockKey(`iddio-compliance/export/${orgId}/${periodKey(period)}`), options),
  };
}
