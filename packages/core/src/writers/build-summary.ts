import { type EvidenceSummary, GENERATOR, type ManifestEntry } from "@iddio-compliance/schema";
import { type EvidenceDocuments, FILE_NAMES } from "./evidence-documents.ts";
import { headlineOf } from "./headlines.ts";

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
  source: SummarySource;
  generatedAt: Date;
  unrecognised: ReadonlyMap<string, number>;
  manifest: ManifestEntry[];
}): EvidenceSummary {
  const { docs, format } = args;
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
      criterion(cc61, FILE_NAMES.cc61, headlineOf("cc61", cc61)),
      criterion(cc62, FILE_NAMES.cc62, headlineOf("cc62", cc62)),
      criterion(cc63, FILE_NAMES.cc63, headlineOf("cc63", cc63)),
      criterion(cc72, FILE_NAMES.cc72, headlineOf("cc72", cc72)),
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

/**
 * `summary.csv`: one row per criterion, plus the integrity verdict as its own row. Lists and the
 * headline figures are JSON in their cell, so no item can be mistaken for a separator.
 */
export function summaryCsvRows(summary: EvidenceSummary): unknown[][] {
  const header = [
    "criterion",
    "title",
    "file",
    "status",
    "evidence_strength",
    "reasons",
    "missing_inputs",
    "headline",
    "period_from",
    "period_to",
    "time_zone",
    "period_incomplete",
    "generated_at",
  ];
  const period = [
    summary.period.from,
    summary.period.to,
    summary.period.time_zone,
    summary.period.incomplete,
    summary.generated_at,
  ];
  const rows: unknown[][] = summary.criteria.map((c) => [
    c.criterion,
    c.title,
    c.file,
    c.status,
    c.evidence_strength,
    c.reasons.map((r) => r.code),
    c.missing_inputs,
    c.headline,
    ...period,
  ]);
  rows.push([
    "integrity",
    "Audit log hash chain",
    summary.integrity.file,
    summary.integrity.verified ? "ok" : "fail",
    summary.integrity.verified ? "strong" : "weak",
    summary.integrity.verified ? [] : ["chain_not_verified"],
    [],
    {
      verified: summary.integrity.verified,
      chain_events: summary.integrity.chain_events,
      findings: summary.integrity.findings,
    },
    ...period,
  ]);
  return [header, ...rows];
}
