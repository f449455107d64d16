import { z } from "zod";

/** A calendar date `YYYY-MM-DD`. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");
/** An RFC 3339 timestamp as iddio writes it. */
export const timestamp = z.string().min(1);
/** Lowercase hex SHA-256. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex characters");

/** The period an evidence package covers: dates inclusive, in `time_zone`. */
export const periodSchema = z.object({
  from: isoDate,
  to: isoDate,
  time_zone: z.string(),
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

/** `strong` when every input the criterion draws on was present; `partial` names what was missing. */
export const evidenceStrength = z.enum(["strong", "partial"]);
/** `ok`: nothing to review; `attention`: findings an auditor should read; `fail`: the control did not hold. */
export const criterionStatus = z.enum(["ok", "attention", "fail"]);

/** Fields every criterion file starts with (DESIGN §5). */
export const criterionHeader = {
  criterion: z.string(),
  title: z.string(),
  period: periodSchema,
  status: criterionStatus,
  evidence_strength: evidenceStrength,
  missing_inputs: z.array(z.string()),
};

/** A list that may be long: its total and every item. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ total: z.int(), items: z.array(item) });
}
