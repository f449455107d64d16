/** How serious a reason is; the criterion's status is its most serious reason's (or `ok`). */
export type Severity = "attention" | "no_evidence" | "fail";

/** Criterion statuses, least to most serious. */
export type CriterionStatus = "ok" | Severity;

/** Why a criterion is not `ok` (the `reasons` of every criterion file and summary entry). */
export interface Reason {
  code: string;
  message: string;
  count: number;
  /** Where the items are: `file#/pointer` (JSON) or a CSV file name; `null` when there is no list. */
  detail: string | null;
}

/** Facts about the whole export every criterion is judged against. */
export interface PeriodFacts {
  /** The hash chain verified (from genesis or a trusted checkpoint). */
  chainVerified: boolean;
  /** Records (command events and lifecycle records) timestamped in the period. */
  recordsInPeriod: number;
  /** The period had not ended at the export's clock. */
  incomplete: boolean;
}

const RANK: Record<CriterionStatus, number> = { ok: 0, attention: 1, no_evidence: 2, fail: 3 };

/**
 * Collects a criterion's reasons and derives its status and evidence strength from them, so a
 * status never appears without the reasons it rests on, and the conditions every criterion shares
 * (a chain that did not verify, an empty period, a period not yet over) are judged in one place.
 */
export class Assessment {
  readonly #reasons: (Reason & { severity: Severity })[] = [];
  readonly #detail: (pointer: string) => string;

  /** `detail` turns a JSON pointer into this criterion's document into the format's location. */
  constructor(detail: (pointer: string) => string) {
    this.#detail = detail;
  }

  /** Adds a reason when `count` > 0; `pointer` (e.g. `/unresolved_escalations`) locates its items. */
  add(severity: Severity, code: string, count: number, message: string, pointer: string | null = null): void {
    if (count <= 0) return;
    this.#reasons.push({
      severity,
      code,
      message,
      count,
      detail: pointer === null ? null : this.#detail(pointer),
    });
  }

  /** Status, strength and reasons (most serious first), after the shared conditions are added. */
  result(
    facts: PeriodFacts,
    missingInputs: readonly string[],
  ): {
    status: CriterionStatus;
    evidence_strength: "strong" | "partial" | "weak";
    reasons: Reason[];
  } {
    if (!facts.chainVerified)
      this.add(
        "fail",
        "chain_not_verified",
        1,
        "the audit log's hash chain did not verify: this evidence rests on records that may have been altered",
        null,
      );
    if (facts.recordsInPeriod === 0)
      this.add("no_evidence", "no_events", 1, "the audit log holds no events in this period", null);
    if (facts.incomplete)
      this.add(
        "attention",
        "period_not_ended",
        1,
        "the period had not ended when this package was exported: its figures cover only the part already past",
        null,
      );
    const ordered = this.#reasons
      .map((r, i) => ({ r, i }))
      .sort((a, b) => RANK[b.r.severity] - RANK[a.r.severity] || a.i - b.i)
      .map(({ r }) => r);
    const status = ordered.reduce<CriterionStatus>(
      (worst, r) => (RANK[r.severity] > RANK[worst] ? r.severity : worst),
      "ok",
    );
    const weak = !facts.chainVerified || facts.recordsInPeriod === 0 || facts.incomplete;
    return {
      status,
      evidence_strength: weak ? "weak" : missingInputs.length > 0 ? "partial" : "strong",
      reasons: ordered.map(({ code, message, count, detail }) => ({ code, message, count, detail })),
    };
  }
}
