import { CRITERION_KEYS, type EvidenceSummary } from "@iddio-compliance/schema";

/** A key of the criterion maps in connector config: `CC6.1`, `CC6.2`, `CC6.3`, `CC7.2`, `summary`, `integrity`. */
export type CriterionKey = (typeof CRITERION_KEYS)[number];

const PREFIXES: ReadonlyArray<[RegExp, CriterionKey]> = [
  [/^cc6\.1[-.]/i, "CC6.1"],
  [/^cc6\.2[-.]/i, "CC6.2"],
  [/^cc6\.3[-.]/i, "CC6.3"],
  [/^cc7\.2[-.]/i, "CC7.2"],
  [/^(summary|reasons)\.(json|csv)$/i, "summary"],
  [/^audit-log-(integrity|findings)\.(json|csv)$/i, "integrity"],
];

/**
 * The criterion a package file belongs to: `cc6.1-access-controls.json` and the CSV list file
 * `cc6.1-denied-requests.csv` → `CC6.1`, `summary.json` → `summary`, `audit-log-integrity.csv` →
 * `integrity`. With a summary, its `criteria[].file` entries win over the name. `undefined` for a
 * file that belongs to no criterion.
 */
export function criterionOfFile(
  file: string,
  summary?: Pick<EvidenceSummary, "criteria" | "integrity">,
): CriterionKey | undefined {
  const listed = summary?.criteria.find((entry) => entry.file === file)?.criterion;
  if (listed && (CRITERION_KEYS as readonly string[]).includes(listed)) return listed as CriterionKey;
  if (summary && summary.integrity.file === file) return "integrity";
  for (const [pattern, key] of PREFIXES) if (pattern.test(file)) return key;
  return undefined;
}

export { CRITERION_KEYS };
