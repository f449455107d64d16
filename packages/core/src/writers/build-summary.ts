import type { EvidenceSummary, ManifestEntry } from "@iddio-compliance/schema";
import type { Period } from "../time/period.ts";
import { GENERATOR } from "../version.ts";
import { type EvidenceDocuments, FILE_NAMES } from "./evidence-documents.ts";

/** What the summary says about the source. */
export interface SummarySource {
  type: "jsonl" | "postgres";
  location: string;
  org_id: string | null;
}

/** Builds `summary.json` from the documents and the manifest of the other files. */
export function buildSummary(args: {
  docs: EvidenceDocuments;
  format: "json" | "csv";
  period: Period;
  source: SummarySource;
  generatedAt: Date;
  unrecognised: ReadonlyMap<string, number>;
  manifest: ManifestEntry[];
}): EvidenceSummary {
  const { docs, format, period } = args;
  const { cc61, cc62, cc63, cc72, integrity } = docs;
  const ext = format === "json" ? "json" : "csv";
  const criterion = (
    doc: Pick<
      EvidenceSummary["criteria"][number],
      "criterion" | "title" | "status" | "evidence_strength" | "missing_inputs" | "reasons"
    >,
    file: string,
    headline: Record<string, number | string | boolean | null>,
  ) => ({
    criterion: doc.criterion,
    title: doc.title,
    file: `${file}.${ext}`,
    status: doc.status,
    evidence_strength: doc.evidence_strength,
    missing_inputs: doc.missing_inputs,
    reasons: doc.reasons,
    headline,
  });
  const kinds = [...args.unrecognised.keys()].sort();
  const findings = Object.values(integrity.finding_counts).reduce((a, b) => a + b, 0);
  return {
    generator: { ...GENERATOR },
    format,
    period: cc61.period,
    source: args.source,
    generated_at: args.generatedAt.toISOString(),
    criteria: [
      criterion(cc61, FILE_NAMES.cc61, {
        agents: cc61.population.agents,
        command_events: cc61.population.command_events,
        denied_requests: cc61.population.denied_requests,
        policy_changes: cc61.policy.changes.length,
      }),
      criterion(cc62, FILE_NAMES.cc62, {
        tokens: cc62.population.tokens,
        certificates: cc62.population.certificates,
        jit_issuances: cc62.population.jit_issuances,
        findings: cc62.findings.length,
      }),
      criterion(cc63, FILE_NAMES.cc63, {
        policy_changes: cc63.population.policy_changes,
        escalations: cc63.population.escalations,
        approvals_granted: cc63.approvals.granted,
        approvals_denied: cc63.approvals.denied,
        approvals_expired: cc63.approvals.expired,
        unresolved_escalations: cc63.unresolved_escalations.total,
        break_glass_events: cc63.break_glass.total,
        approval_wait_median_ms: cc63.approvals.wait_ms.median,
      }),
      criterion(cc72, FILE_NAMES.cc72, {
        total_events: cc72.audit_log.total_events,
        hash_chain_verified: cc72.audit_log.hash_chain_verified,
        gaps_detected: cc72.audit_log.gaps_detected,
        exec_sessions: cc72.session_recordings.exec_sessions,
        api_sessions: cc72.session_recordings.api_sessions,
        silent_periods: cc72.silent_periods.length,
      }),
    ],
    integrity: {
      file: `${FILE_NAMES.integrity}.${ext}`,
      verified: integrity.verified,
      chain_events: integrity.total_events,
      findings,
      chain_head: integrity.chain_head,
    },
    unrecognised_records: {
      total: kinds.reduce((sum, k) => sum + (args.unrecognised.get(k) ?? 0), 0),
      kinds: Object.fromEntries(kinds.map((k) => [k, args.unrecognised.get(k) ?? 0])),
    },
    manifest: args.manifest,
  };
}

/** `summary.csv`: one row per criterion, plus the integrity verdict as its own row. */
export function summaryCsvRows(summary: EvidenceSummary): unknown[][] {
  const header = [
    "criterion",
    "title",
    "file",
    "status",
    "evidence_strength",
    "missing_inputs",
    "headline",
    "period_from",
    "period_to",
    "generated_at",
  ];
  const rows: unknown[][] = summary.criteria.map((c) => [
    c.criterion,
    c.title,
    c.file,
    c.status,
    c.evidence_strength,
    c.missing_inputs,
    Object.entries(c.headline).map(([k, v]) => `${k}=${v}`),
    summary.period.from,
    summary.period.to,
    summary.generated_at,
  ]);
  rows.push([
    "integrity",
    "Audit log hash chain",
    summary.integrity.file,
    summary.integrity.verified ? "ok" : "fail",
    "strong",
    [],
    [
      `verified=${summary.integrity.verified}`,
      `chain_events=${summary.integrity.chain_events}`,
      `findings=${summary.integrity.findings}`,
    ],
    summary.period.from,
    summary.period.to,
    summary.generated_at,
  ]);
  return [header, ...rows];
}
