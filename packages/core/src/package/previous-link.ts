import type { PreviousPackage } from "@iddio-compliance/schema";
import { ComplianceError } from "../errors/compliance-error.ts";
import { type Period, parseDate } from "../time/period.ts";
import type { SummaryFile } from "./read-package.ts";

/** The day after `date` (`YYYY-MM-DD`). */
export function nextDay(date: string): string {
  const { y, m, d } = parseDate(date, "date");
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The `previous` link a package's successor records: the package's period, the SHA-256 of its
 * `summary.json` bytes, and where its period ends in the chain (the hash of its last event and the
 * number of events through it). An empty period passes its own predecessor's position on.
 */
export function previousLinkOf(
  file: Pick<SummaryFile, "path" | "sha256" | "summary">,
  subject = "--previous",
): PreviousPackage {
  const { summary } = file;
  const fail = (why: string) =>
    new ComplianceError("INVALID_OPTION", `${subject}: ${file.path}: ${why}`, { subject });
  if (!summary.merkle)
    throw fail("has no Merkle root (exported by an older version): it cannot start a series link");
  const { last } = summary.merkle;
  let chainHead: string | null;
  let eventsThrough: number;
  if (last) {
    chainHead = last.hash;
    eventsThrough = last.index + 1;
  } else if (summary.previous) {
    chainHead = summary.previous.chain_head;
    eventsThrough = summary.previous.events_through;
  } else {
    throw fail(
      "its period holds no event and it records no predecessor, so where it ends in the chain is unknown",
    );
  }
  return {
    period: summary.period,
    summary_sha256: file.sha256,
    chain_head: chainHead,
    events_through: eventsThrough,
  };
}

/** Checks that `period` starts the day after `previous` ends, in the same time zone. */
export function assertFollows(previous: PreviousPackage, period: Period, subject = "--previous"): void {
  const expected = nextDay(previous.period.to);
  if (previous.period.time_zone !== period.timeZone || expected !== period.from) {
    throw new ComplianceError(
      "INVALID_OPTION",
      `${subject}: the previous package covers ${previous.period.from}..${previous.period.to} (${previous.period.time_zone}); ` +
        `a package that follows it starts on ${expected} (${previous.period.time_zone}), not ${period.from} (${period.timeZone})`,
      { subject },
    );
  }
}
