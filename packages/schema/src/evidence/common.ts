import { z } from "zod";
import { TIER_NAMES } from "../wire/tier-names.ts";

/** A calendar date `YYYY-MM-DD`. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");
/** An RFC 3339 timestamp as iddio writes it. */
export const timestamp = z.string().min(1);
/** Lowercase hex SHA-256. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex characters");

/** The period an evidence package covers: dates inclusive, in `time_zone`. */
export const periodSchema = z
  .object({
    from: isoDate.describe("First day of the period (inclusive), in `time_zone`."),
    to: isoDate.describe("Last day of the period (inclusive, its whole day), in `time_zone`."),
    time_zone: z.string().describe("IANA time zone the dates are read in."),
    incomplete: z
      .boolean()
      .describe(
        "`true` when the period had not ended when the package was exported: its figures cover only the part already past.",
      ),
  })
  .describe(
    "The period this file covers: a record belongs to it when its timestamp falls in [first instant of `from`, first instant after `to`) in `time_zone`.",
  );

/**
 * Counts by tier `"0"`–`"4"`; `counted` names what is counted (e.g. "This agent's command events
 * of the period"), so each tier's description says it in full.
 */
export function byTier(counted: string) {
  const tier = (n: 0 | 1 | 2 | 3 | 4) => z.int().describe(`${counted} at tier ${n} (${TIER_NAMES[n]}).`);
  return z.object({ "0": tier(0), "1": tier(1), "2": tier(2), "3": tier(3), "4": tier(4) });
}

/** Counts by policy decision; `counted` names what is counted, as for {@link byTier}. */
export function byDecision(counted: string) {
  return z.object({
    allow: z.int().describe(`${counted} the policy allowed outright.`),
    escalate: z.int().describe(`${counted} the policy escalated to a human approver.`),
    deny: z.int().describe(`${counted} the policy denied.`),
  });
}

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
    count: z
      .int()
      .describe(
        "How many items the reason covers (1 for a period-wide reason such as `chain_not_verified`).",
      ),
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
  criterion: z
    .string()
    .describe(
      "The SOC 2 Trust Services Criterion this file evidences: `CC6.1`, `CC6.2`, `CC6.3` or `CC7.2`.",
    ),
  title: z.string().describe("The criterion's title in words."),
  period: periodSchema,
  status: criterionStatus,
  evidence_strength: evidenceStrength,
  missing_inputs: z
    .array(z.string())
    .describe(
      "Optional inputs this criterion draws on that were absent (each makes the evidence strength `partial`); empty when none was.",
    ),
  reasons: z
    .array(reasonSchema)
    .describe("Why the status is not `ok` (empty exactly when it is `ok`), most severe first."),
};

/**
 * A list that may be long: its total and every item. `what` describes one item in the plural
 * ("denied command events of the period"), for the descriptions of `total` and `items`.
 */
export function listOf<T extends z.ZodType>(item: T, what: string) {
  return z.object({
    total: z.int().describe(`Number of ${what}; \`items\` holds every one of them.`),
    items: z.array(item).describe(`Every one of the ${what}.`),
  });
}

/** A `policy.changed` record as CC6.1 lists it; CC6.3 extends it with what changed. */
export const policyChangeRefSchema = z.object({
  timestamp: timestamp.describe("Timestamp of the `policy.changed` record (UTC)."),
  version: z.string().nullable().describe("The new policy's `version`; `null` when the record states none."),
  sha256: z
    .string()
    .nullable()
    .describe("The new policy's SHA-256 as the record states it; `null` when it states none."),
  actor: z
    .string()
    .nullable()
    .describe("Who changed the policy, as the record states it; `null` when it states none."),
});

/** The fields a listed request (a denied request, an escalation) shares, described once. */
export const requestField = {
  agent: z.string().describe("The agent that made the request."),
  tier: z.int().describe("Risk tier 0–4 the policy gave the request."),
  method: z
    .string()
    .describe("HTTP method, or the verb for other protocols; empty when the event states none."),
  path: z
    .string()
    .describe("API path or command line (`command` when the event has no `path`); empty when neither."),
  namespace: z.string().describe("Kubernetes namespace; empty for cluster scope or other protocols."),
};
