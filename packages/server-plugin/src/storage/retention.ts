import type { PeriodDates } from "@iddio-compliance/core";
import type { ExportLock } from "../postgres/export-lock.ts";
import { addMonths, type PlainDate } from "../scheduler/calendar.ts";
import { parsePeriodKey } from "../scheduler/period.ts";
import type { EvidenceStorage } from "./evidence-storage.ts";

/**
 * Deletes every whole package whose period ended before the retention window (`months` back from
 * `today`), oldest first. Only keys that parse as package keys under the storage's own prefix are
 * considered, so nothing else is ever touched. `onDeleting` runs before each deletion (record it
 * there: a crash after it leaves the package to the next run, which must not record it again) and
 * `onDeleted` after. With replicas, each deletion runs under the period's lock and re-checks that
 * the package is still there, so one replica deletes and records it.
 */
export async function applyRetention(options: {
  storage: EvidenceStorage;
  months: number;
  today: PlainDate;
  /** Elects the replica that deletes a package; one whose lock is held elsewhere is left to that replica. */
  lock?: ExportLock | undefined;
  onDeleting?(period: PeriodDates): Promise<void>;
  onDeleted(period: PeriodDates): Promise<void>;
}): Promise<PeriodDates[]> {
  const { storage } = options;
  const cutoff = addMonths(options.today, -options.months);
  const deleted: PeriodDates[] = [];
  for (const key of await storage.list()) {
    const period = parsePeriodKey(key);
    if (!period || period.to >= cutoff) continue;
    const lease = options.lock ? await options.lock.acquire(period, { waitMs: 0 }) : undefined;
    if (lease === null) continue;
    try {
      if (lease && !(await storage.list()).includes(key)) continue;
      await options.onDeleting?.(period);
      await storage.delete(key);
      deleted.push(period);
      await options.onDeleted(period);
    } finally {
      await lease?.release();
    }
  }
  return deleted;
}
