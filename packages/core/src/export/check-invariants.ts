import type { EvidenceSummary } from "@iddio-compliance/schema";
import { checkSummaryMeaning } from "../package/meaning.ts";
import type { EvidenceDocuments } from "../writers/evidence-documents.ts";
import { FILE_NAMES } from "../writers/evidence-documents.ts";

/** One arithmetic rule of a package that did not hold: which, and the two sides. */
export interface InvariantViolation {
  rule: string;
  expected: unknown;
  actual: unknown;
}

const sum = <T>(items: readonly T[], of: (t: T) => number) => items.reduce((n, t) => n + of(t), 0);

/**
 * Checks a package's own arithmetic before it is written (docs/data-contract.md "Invariants"):
 * per-agent rows sum to every total, every escalation has exactly one resolution, the criteria
 * agree with one another and with the chain verdict, statuses rest on reasons, and the summary
 * states exactly what the criterion files hold. Returns every violation (empty: consistent).
 */
export function checkInvariants(docs: EvidenceDocuments, summary: EvidenceSummary): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  const equal = (rule: string, expected: unknown, actual: unknown) => {
    if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push({ rule, expected, actual });
  };
  const { cc61, cc62, cc63, cc72, integrity } = docs;

  // CC6.1: the agent inventory adds up.
  equal("cc6.1 agents = population.agents", cc61.population.agents, cc61.agents.length);
  equal(
    "cc6.1 Σ agents.total_requests = population.command_events",
    cc61.population.command_events,
    sum(cc61.agents, (a) => a.total_requests),
  );
  for (const a of cc61.agents) {
    equal(
      `cc6.1 ${a.name}: Σ by_tier = total_requests`,
      a.total_requests,
      sum(Object.values(a.by_tier), (n) => n),
    );
    equal(
      `cc6.1 ${a.name}: Σ by_decision = total_requests`,
      a.total_requests,
      sum(Object.values(a.by_decision), (n) => n),
    );
  }
  equal(
    "cc6.1 Σ agents.by_decision.deny = denied_requests.total",
    cc61.denied_requests.total,
    sum(cc61.agents, (a) => a.by_decision.deny),
  );
  equal(
    "cc6.1 population.denied_requests = denied_requests.total",
    cc61.denied_requests.total,
    cc61.population.denied_requests,
  );

  // CC6.2: the per-agent credentials add up.
  equal("cc6.2 agents = population.agents", cc62.population.agents, cc62.agents.length);
  equal(
    "cc6.2 Σ tokens = population.tokens",
    cc62.population.tokens,
    sum(cc62.agents, (a) => a.tokens.length),
  );
  equal(
    "cc6.2 Σ certificates = population.certificates",
    cc62.population.certificates,
    sum(cc62.agents, (a) => a.certificates.length),
  );
  equal(
    "cc6.2 Σ jit = population.jit_issuances",
    cc62.population.jit_issuances,
    sum(cc62.agents, (a) => a.jit["k8s-token"] + a.jit["ssh-cert"] + a.jit.other),
  );

  // CC6.3: every escalation of the period has exactly one resolution.
  const ap = cc63.approvals;
  const resolved = ap.granted + ap.denied + ap.expired;
  equal(
    "cc6.3 escalations = granted + denied + expired + unresolved",
    cc63.population.escalations,
    resolved + cc63.unresolved_escalations.total,
  );
  equal(
    "cc6.3 population.resolved_escalations = granted + denied + expired",
    resolved,
    cc63.population.resolved_escalations,
  );
  equal(
    "cc6.3 population.unresolved_escalations = unresolved_escalations.total",
    cc63.unresolved_escalations.total,
    cc63.population.unresolved_escalations,
  );
  equal("cc6.3 approvals.requested = population.escalations", cc63.population.escalations, ap.requested);
  equal(
    "cc6.3 approvals.unresolved = unresolved_escalations.total",
    cc63.unresolved_escalations.total,
    ap.unresolved,
  );
  equal("cc6.3 approvals.items = granted + denied + expired", resolved, listLength(ap.items));
  for (const key of ["escalations", "granted", "denied", "expired", "unresolved", "break_glass"] as const) {
    const total = {
      escalations: cc63.population.escalations,
      granted: ap.granted,
      denied: ap.denied,
      expired: ap.expired,
      unresolved: cc63.unresolved_escalations.total,
      break_glass: cc63.break_glass.total,
    }[key];
    equal(
      `cc6.3 Σ by_agent.${key} = total`,
      total,
      sum(cc63.by_agent, (a) => a[key]),
    );
  }
  for (const a of cc63.by_agent)
    equal(
      `cc6.3 ${a.agent}: escalations = granted + denied + expired + unresolved`,
      a.escalations,
      a.granted + a.denied + a.expired + a.unresolved,
    );
  equal(
    "cc6.3 Σ by_approver.total = granted + denied + expired",
    resolved,
    sum(ap.by_approver, (a) => a.total),
  );
  for (const key of ["granted", "denied", "expired"] as const)
    equal(
      `cc6.3 Σ by_approver.${key} = approvals.${key}`,
      ap[key],
      sum(ap.by_approver, (a) => a[key]),
    );
  const earlier = ap.requested_earlier;
  equal(
    "cc6.3 requested_earlier.total = granted + denied + expired",
    earlier.total,
    earlier.granted + earlier.denied + earlier.expired,
  );
  equal(
    "cc6.3 Σ tier_model.events = population.command_events",
    cc63.population.command_events,
    sum(cc63.tier_model, (t) => t.events),
  );
  equal(
    "cc6.3 Σ tier_model.escalate = population.escalations",
    cc63.population.escalations,
    sum(cc63.tier_model, (t) => t.decisions.escalate),
  );
  equal("cc6.3 tier 4 events = break_glass.total", cc63.break_glass.total, cc63.tier_model[4]?.events);

  // The criteria read the same command events.
  equal(
    "cc6.3 command_events = cc6.1 command_events",
    cc61.population.command_events,
    cc63.population.command_events,
  );
  equal(
    "cc7.2 classified = cc6.1 command_events",
    cc61.population.command_events,
    cc72.classification_coverage.classified,
  );
  equal(
    "cc6.1 Σ deny = Σ tier_model.deny",
    sum(cc61.agents, (a) => a.by_decision.deny),
    sum(cc63.tier_model, (t) => t.decisions.deny),
  );

  // CC7.2: the period's records and the chain verdict.
  const cov = cc72.classification_coverage;
  equal(
    "cc7.2 classified + unclassified = command_events",
    cov.command_events,
    cov.classified + cov.unclassified,
  );
  equal(
    "cc7.2 Σ by_tier = classified",
    cov.classified,
    sum(Object.values(cov.by_tier), (n) => n),
  );
  equal(
    "cc7.2 command_events + lifecycle_records = events_in_period",
    cc72.population.events_in_period,
    cc72.population.command_events + cc72.population.lifecycle_records,
  );
  equal(
    "cc7.2 audit_log.total_events = events_in_period",
    cc72.population.events_in_period,
    cc72.audit_log.total_events,
  );
  equal(
    "cc7.2 Σ daily_activity.events = events_in_period",
    cc72.population.events_in_period,
    sum(cc72.daily_activity, (d) => d.events),
  );
  equal(
    "cc7.2 daily_activity days = days_in_period",
    cc72.population.days_in_period,
    cc72.daily_activity.length,
  );
  equal(
    "cc7.2 Σ daily deny = cc6.1 denied requests",
    cc61.denied_requests.total,
    sum(cc72.daily_activity, (d) => d.deny),
  );
  equal(
    "cc7.2 Σ daily escalate = cc6.3 escalations",
    cc63.population.escalations,
    sum(cc72.daily_activity, (d) => d.escalate),
  );
  equal(
    "cc7.2 hash_chain_verified = integrity.verified",
    integrity.verified,
    cc72.audit_log.hash_chain_verified,
  );
  equal("cc7.2 chain_events = integrity.total_events", integrity.total_events, cc72.audit_log.chain_events);
  equal(
    "cc7.2 gaps_detected = integrity link breaks",
    integrity.finding_counts.link_break ?? 0,
    cc72.audit_log.gaps_detected,
  );

  // Statuses rest on reasons.
  const keys = ["cc61", "cc62", "cc63", "cc72"] as const;
  for (const key of keys) {
    const doc = docs[key];
    equal(
      `${doc.criterion}: status is ok exactly when it has no reasons`,
      doc.reasons.length === 0,
      doc.status === "ok",
    );
  }
  // The summary states what the files hold: the check `verify-package` makes on the written files.
  const byFile = new Map<string, unknown>();
  for (const key of [...keys, "integrity"] as const)
    for (const ext of ["json", "csv"]) byFile.set(`${FILE_NAMES[key]}.${ext}`, docs[key]);
  const read = (file: string) => (byFile.has(file) ? { doc: byFile.get(file) } : { error: "no such file" });
  for (const p of checkSummaryMeaning(summary as unknown as Record<string, unknown>, read))
    out.push({ rule: `summary ${p.field} = ${p.source}`, expected: p.expected, actual: p.actual });
  return out;
}

/** A list's length, whether in memory or spooled. */
function listLength(items: unknown): number {
  if (Array.isArray(items)) return items.length;
  return (items as { total: number }).total;
}
