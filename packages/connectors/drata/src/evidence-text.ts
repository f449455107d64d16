import type { CriterionKey, EvidenceFile, EvidencePackage } from "@iddio-compliance/connector-sdk";

const TITLES: Record<CriterionKey, string> = {
  "CC6.1": "Logical access security",
  "CC6.2": "Credential management",
  "CC6.3": "Authorization and modification",
  "CC7.2": "System monitoring",
  summary: "Evidence package summary",
  integrity: "Audit log integrity",
};

/** The stable evidence name of a criterion; later periods find the same evidence by it. */
export function evidenceName(criterion: CriterionKey): string {
  return `iddio-compliance ${criterion === "summary" || criterion === "integrity" ? "" : `${criterion} `}${TITLES[criterion]}`;
}

/** The line of the description that records one file's digest (how a re-push recognises its own upload). */
export function fileMarker(file: EvidenceFile): string {
  return `${file.name} sha256:${file.sha256}`;
}

/** Evidence description: the criterion, the period, and one digest line per file. */
export function evidenceDescription(
  criterion: CriterionKey,
  pkg: EvidencePackage,
  files: EvidenceFile[],
): string {
  const { from, to, time_zone } = pkg.summary.period;
  return [
    `SOC 2 ${criterion} evidence exported by iddio-compliance for ${from} to ${to} (${time_zone}).`,
    "Files:",
    ...files.map(fileMarker),
  ].join("\n");
}

const MONTHS = { ONE_MONTH: 1, TWO_MONTHS: 2, THREE_MONTHS: 3, SIX_MONTHS: 6, ONE_YEAR: 12 } as const;

/** `YYYY-MM-DD` a schedule after the period end; `undefined` for `NONE`. */
export function renewalDate(periodEnd: string, schedule: keyof typeof MONTHS | "NONE"): string | undefined {
  if (schedule === "NONE") return undefined;
  const [year = 0, month = 1, day = 1] = periodEnd.split("-").map(Number);
  const target = new Date(Date.UTC(year, month - 1 + MONTHS[schedule], 1));
  // Clamp to the last day of the target month: 31 March + 3 months is 30 June, not 1 July.
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}
