import { z } from "zod";

/** A calendar date `YYYY-MM-DD`. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");
/** An RFC 3339 timestamp as iddio writes it. */
export const timestamp = z.string().min(1);
/** Lowercase hex SHA-256. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex characters");

/** The period an evidence package covers: dates inclusive, in `time_zone`. */
export const periodSchema = z.object({
  from: isoDate.describe("First day of the period (inclusive), in `time_zone`."),
  to: isoDate.describe("Last day of the period (inclusive, its whole day), in `time_zone`."),
  time_zone: z.string().describe("IANA time zone the dates are read in."),
  incomplete: z
    .boolean()
    .describe(
      "`true` when the period had not ended when the package was exported: its figures cover only the part already past.",
    ),
});

/** Counts by tier `"0"`–`"4"`. */
export const byTierSchema = z.object({
  "0": z.int(),
  "1": z.int(),
  "2": z.int(),
  "3": z.int(),
  "4": z.int(),
});
/** Counts by policy decision. */
export const byDecisionSchema = z.object({ allow: z.int(), escalate: z.int(), deny: z.int() });

/**
 * `strong`: every input the criterion draws on was present, the chain verified and the period has
 * ended; `partial`: an input was missing (`missing_inputs` names it); `weak`: the chain did not
 * verify, the period holds no events or has not ended (`reasons` says which).
 */
export const evidenceStrength = z
  .enum(["strong", "partial", "weak"])
  .describe(
    "`strong`: every input present, chain verified, period ended; `partial`: an input was missing (see `missing_inputs`); `weak`: the chain did not verify, the period holds no events, or it has not ended (see `reasons`).",
  );
/**
 * `ok`: nothing to review; `attention`: findings an auditor should read; `fail`: the control did
 * not hold or its evidence cannot be trusted; `no_evidence`: the period holds no events to assess.
 */
export const criterionStatus = z
  .enum(["ok", "attention", "fail", "no_evidence"])
  .describe(
    "`ok`: nothing to review; `attention`: findings to read (see `reasons`); `fail`: the control did not hold or its evidence cannot be trusted; `no_evidence`: the period holds no events to assess.",
  );

/** Why a criterion is not `ok`: one entry per kind of finding, pointing at where its items are. */
export const reasonSchema = z
  .object({
    code: z.string().describe("Stable machine-readable code, e.g. `unresolved_escalations`."),
    message: z.string().describe("One sentence for a person."),
    count: z.int().describe("How many items the reason covers."),
    detail: z
      .string()
      .nullable()
      .describe(
        "Where the items are: a JSON pointer into this package's file (`cc6.3-authorization-changes.json#/unresolved_escalations`) or a CSV file name; `null` when there is no list.",
      ),
  })
  .describe("Why a criterion is not `ok`.");

/** Fields every criterion file starts with (DESIGN §5). */
export const criterionHeader = {
  criterion: z.string(),
  title: z.string(),
  period: periodSchema,
  status: criterionStatus,
  evidence_strength: evidenceStrength,
  missing_inputs: z
    .array(z.string())
    .describe("Optional inputs that were absent (evidence strength `partial`)."),
  reasons: z
    .array(reasonSchema)
    .describe("Why the status is not `ok` (empty exactly when it is `ok`), most severe first."),
};

/** A list that may be long: its total and every item. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ total: z.int(), items: z.array(item) });
}
