import { addMonths, type PlainDate } from "../scheduler/calendar.ts";
import { type Period, parsePeriodKey } from "../scheduler/period.ts";
import type { EvidenceStorage } from "./evidence-storage.ts";

/**
 * Deletes every whole package whose period ended before the retention window (`months` back from
 * `today`), oldest first, calling `onDeleted` after each. Only keys that parse as package keys
 * under the storage's own prefix are considered, so nothing else is ever touched.
 */
export async function applyRetention(options: {
  storage: EvidenceStorage;
  months: number;
  today: PlainDate;
  onDeleted(period: Period): Promise<void>;
}): Promise<Period[]> {
  const cutoff = addMonths(options.today, -options.months);
  const deleted: Period[] = [];
  for (const key of await options.storage.list()) {
    const period = parsePeriodKey(key);
    if (!period || period.to >= cutoff) continue;
    await options.storage.delete(key);
    deleted.push(period);
    await options.onDeleted(period);
  }
  return deleted;
}
