import type { LedgerEntry } from "./ledger.ts";

/** Marks a `push.failed` record that gave a push up (retention deleted its package) rather than a failed attempt. */
export const ABANDONED_PREFIX = "push abandoned: ";

/**
 * What the ledger already says about this replica's exports and pushes, kept up to date as records
 * are read at open and appended after. The runtime asks it before recording, so that a step
 * repeated after a crash is recorded once, and so that the outbox's files and the ledger can be
 * reconciled at start.
 */
export class LedgerFacts {
  /** Period keys (`<from>_<to>`) with `export.completed`. */
  readonly completed = new Set<string>();
  /** Period keys with `export.skipped`. */
  readonly skipped = new Set<string>();
  /** Period keys with `export.deleted`. */
  readonly deleted = new Set<string>();
  /** Push keys (`<period>~<connector>`) with `push.delivered`. */
  readonly delivered = new Set<string>();
  /** `<push key>#<attempt>` of every failed attempt recorded. */
  readonly failedAttempts = new Set<string>();
  /** Push keys given up (a `push.failed` whose error starts with {@link ABANDONED_PREFIX}). */
  readonly abandoned = new Set<string>();
  /** Push keys with `push.stalled`. */
  readonly stalled = new Set<string>();

  /** Takes one ledger record into account. */
  add(entry: LedgerEntry): void {
    const period = `${String(entry.period_from)}_${String(entry.period_to)}`;
    const push = `${period}~${String(entry.connector)}`;
    switch (entry.event) {
      case "export.completed":
        this.completed.add(period);
        break;
      case "export.skipped":
        this.skipped.add(period);
        break;
      case "export.deleted":
        this.deleted.add(period);
        break;
      case "push.delivered":
        this.delivered.add(push);
        break;
      case "push.failed":
        if (String(entry.error).startsWith(ABANDONED_PREFIX)) this.abandoned.add(push);
        else this.failedAttempts.add(`${push}#${String(entry.attempt)}`);
        break;
      case "push.stalled":
        this.stalled.add(push);
        break;
    }
  }
}
