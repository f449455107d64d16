import { previousLinkOf, readSummaryFile } from "@iddio-compliance/core";
import type { PreviousPackage } from "@iddio-compliance/schema";
import type { Logger } from "../host/logger.ts";
import { addDays } from "../scheduler/calendar.ts";
import { type Period, parsePeriodKey } from "../scheduler/period.ts";
import type { EvidenceStorage } from "../storage/evidence-storage.ts";

/**
 * The `previous` link of the package for `period`: the stored package of the period that ends the
 * day before it starts, when there is a complete one. So every scheduled export links to the one
 * before it, and `verify-series` can check the stored packages as one series. A predecessor that
 * cannot be linked (exported before packages had a Merkle root) is logged, and the package starts
 * a new series.
 */
export async function previousPackageLink(
  storage: EvidenceStorage,
  period: Period,
  logger: Logger,
): Promise<PreviousPackage | undefined> {
  const dayBefore = addDays(period.from, -1);
  const key = (await storage.list()).find((k) => parsePeriodKey(k)?.to === dayBefore);
  if (!key || (await storage.check(key)).state !== "complete") return undefined;
  const opened = await storage.open(key);
  try {
    return previousLinkOf(readSummaryFile(opened.dir), `the previous package ${key}`);
  } catch (error) {
    logger.warn("export: the previous package cannot be linked; this package starts a new series", {
      previous: key,
      reason: (error as Error).message,
    });
    return undefined;
  } finally {
    await opened.release();
  }
}
