/** The base names of a package's documents (DESIGN §5); `.json` or `.csv` is added by format. */
export const DOCUMENT_NAMES = {
  cc61: "cc6.1-access-controls",
  cc62: "cc6.2-credential-lifecycle",
  cc63: "cc6.3-authorization-changes",
  cc72: "cc7.2-monitoring-evidence",
  integrity: "audit-log-integrity",
  summary: "summary",
} as const;

/** A criterion document's key in {@link DOCUMENT_NAMES}. */
export type CriterionDocument = "cc61" | "cc62" | "cc63" | "cc72";

/**
 * The CSV files of a CSV package that hold the lists of a criterion document, by the JSON pointer
 * of that list in the JSON document. A reason's `detail` names the CSV file in a CSV package and
 * the pointer in a JSON one. The per-agent tables are the documents' own `.csv` files.
 */
export const CSV_LIST_FILES = {
  cc61: {
    "/agents": "cc6.1-access-controls.csv",
    "/denied_requests": "cc6.1-denied-requests.csv",
    "/policy": "cc6.1-policy.csv",
  },
  cc62: {
    "/agents": "cc6.2-credentials.csv",
    "/proxy_certificate": "cc6.2-credentials.csv",
    "/findings": "cc6.2-findings.csv",
  },
  cc63: {
    "/by_agent": "cc6.3-authorization-changes.csv",
    "/approvals": "cc6.3-approvals.csv",
    "/unresolved_escalations": "cc6.3-unresolved-escalations.csv",
    "/break_glass": "cc6.3-break-glass.csv",
    "/policy_changes": "cc6.3-policy-changes.csv",
    "/tier_model": "cc6.3-tier-model.csv",
  },
  cc72: {
    "/by_agent": "cc7.2-monitoring-evidence.csv",
    "/daily_activity": "cc7.2-daily-activity.csv",
    "/silent_periods": "cc7.2-silent-periods.csv",
    "/session_recordings": "cc7.2-recording-problems.csv",
    "/audit_log": "audit-log-findings.csv",
  },
} as const satisfies Record<CriterionDocument, Record<string, string>>;

/** The CSV file with every criterion's reasons (a CSV package only). */
export const REASONS_CSV = "reasons.csv";
/** The CSV file with every chain finding (a CSV package only). */
export const INTEGRITY_FINDINGS_CSV = "audit-log-findings.csv";

/**
 * Where the items of a criterion's list are in a package of `format`: `file.json#/pointer`, or
 * the CSV file that holds them (the document's own CSV when the list has no file of its own).
 */
export function listLocation(format: "json" | "csv", doc: CriterionDocument, pointer: string): string {
  if (format === "json") return `${DOCUMENT_NAMES[doc]}.json#${pointer}`;
  const files: Record<string, string> = CSV_LIST_FILES[doc];
  const top = `/${pointer.split("/")[1] ?? ""}`;
  return files[pointer] ?? files[top] ?? `${DOCUMENT_NAMES[doc]}.csv`;
}

/** The file every package writes last; its manifest lists every other file. */
export const SUMMARY_FILE = "summary.json";
/** The detached Ed25519 signature of `summary.json` (64 raw bytes), beside it in a signed package; not in the manifest. */
export const SIGNATURE_FILE = "summary.json.sig";
