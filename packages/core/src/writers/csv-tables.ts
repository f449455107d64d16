import {
  CSV_LIST_FILES,
  DOCUMENT_NAMES,
  INTEGRITY_FINDINGS_CSV,
  REASONS_CSV,
} from "@iddio-compliance/schema/wire";
import type { DeniedRequest } from "../mappers/cc6-1-access-controls.ts";
import type { ApprovalItem, EscalationItem } from "../mappers/cc6-3-authorization-changes.ts";
import type { EvidenceDocuments } from "./evidence-documents.ts";
import type { Spool } from "./spool.ts";

/** One column: its header and how a row's cell is read. */
type Column<T> = readonly [header: string, cell: (row: T) => unknown];

/**
 * One CSV file of a CSV package: its name, its columns, where its rows come from, and — for a
 * list — the total the document states, which the written row count must equal.
 */
export interface CsvTable<T> {
  file: string;
  columns: readonly Column<T>[];
  rows: (docs: EvidenceDocuments) => Iterable<T> | AsyncIterable<T>;
  /** The number of rows the documents say this file holds (checked after writing). */
  expectedRows: (docs: EvidenceDocuments) => number;
}

const table = <T>(t: CsvTable<T>): CsvTable<T> => t;

async function* fromSpool<T>(list: { items: T[] | Spool<T> }): AsyncGenerator<T> {
  const items = list.items;
  if (Array.isArray(items)) yield* items;
  else yield* items.items();
}

type Cc61 = EvidenceDocuments["cc61"];
type Cc62 = EvidenceDocuments["cc62"];
type Cc63 = EvidenceDocuments["cc63"];
type Cc72 = EvidenceDocuments["cc72"];
type Agent61 = Cc61["agents"][number];
type Agent62 = Cc62["agents"][number];
type Cert = Agent62["certificates"][number];
type PolicySnapshot = NonNullable<Cc61["policy"]["at_start"]>;
type PolicyChange = Cc63["policy_changes"][number];

const json = (name: keyof typeof DOCUMENT_NAMES) => `${DOCUMENT_NAMES[name]}.csv`;

const escalationColumns: readonly Column<EscalationItem>[] = [
  ["timestamp", (e) => e.timestamp],
  ["request_id", (e) => e.request_id],
  ["agent", (e) => e.agent],
  ["tier", (e) => e.tier],
  ["method", (e) => e.method],
  ["path", (e) => e.path],
  ["namespace", (e) => e.namespace],
  ["file", (e) => e.file],
  ["line", (e) => e.line],
];

/** A row of `cc6.1-policy.csv`: one agent's rules in the policy at the start or end of the period. */
interface PolicyRow {
  position: "at_start" | "at_end";
  snapshot: PolicySnapshot | null;
  agent: string | null;
  rules: unknown;
}

function policyRows(position: PolicyRow["position"], snapshot: PolicySnapshot | null): PolicyRow[] {
  const agents = (snapshot?.snapshot as { agents?: Record<string, { rules?: unknown }> } | null)?.agents;
  if (!snapshot || !agents || typeof agents !== "object" || Object.keys(agents).length === 0)
    return [{ position, snapshot, agent: null, rules: null }];
  return Object.keys(agents)
    .sort()
    .map((agent) => ({ position, snapshot, agent, rules: agents[agent]?.rules ?? null }));
}

/** A row of `cc6.3-policy-changes.csv`: one agent's change in one policy change. */
interface PolicyChangeRow {
  change: PolicyChange;
  agent: PolicyChange["agents"][number] | null;
}

/** A row of `cc6.2-credentials.csv`. */
interface CredentialRow {
  agent: string;
  kind: "token" | "certificate" | "proxy_certificate";
  token?: Agent62["tokens"][number];
  cert?: Cert & { timestamp?: string };
}

function credentialRows(cc62: Cc62): CredentialRow[] {
  const rows: CredentialRow[] = [];
  for (const a of cc62.agents) {
    for (const token of a.tokens) rows.push({ agent: a.name, kind: "token", token });
    for (const cert of a.certificates) rows.push({ agent: a.name, kind: "certificate", cert });
  }
  // The proxy's current certificate, unless it is one of the renewals (listed with their time).
  const { current, renewals } = cc62.proxy_certificate;
  if (current && !renewals.some((r) => r.fingerprint_sha256 === current.fingerprint_sha256))
    rows.push({ agent: "proxy", kind: "proxy_certificate", cert: current });
  for (const cert of renewals) rows.push({ agent: "proxy", kind: "proxy_certificate", cert });
  return rows;
}

/** Approvals of the period, then outcomes for earlier requests, then outcomes without a request. */
async function* approvalRows(cc63: Cc63): AsyncGenerator<ApprovalItem & { population: string }> {
  const lists = [
    ["period", cc63.approvals],
    ["requested_earlier", cc63.approvals.requested_earlier],
    ["request_not_in_log", cc63.approvals.without_request],
  ] as const;
  for (const [population, list] of lists)
    for await (const item of fromSpool(list as { items: ApprovalItem[] | Spool<ApprovalItem> }))
      yield { ...item, population };
}

/**
 * The CSV package (DESIGN §5): one row per agent in each criterion's own file, one row per log
 * file in `audit-log-integrity.csv`, and every list an auditor reads in a file of its own.
 */
export const CSV_TABLES: readonly CsvTable<unknown>[] = [
  table<Agent61>({
    file: json("cc61"),
    columns: [
      ["agent", (a) => a.name],
      ["identity_type", (a) => a.identity_type],
      ["spiffe_id", (a) => a.spiffe_id],
      ["first_seen", (a) => a.first_seen],
      ["last_seen", (a) => a.last_seen],
      ["total_requests", (a) => a.total_requests],
      ["tier_0", (a) => a.by_tier["0"]],
      ["tier_1", (a) => a.by_tier["1"]],
      ["tier_2", (a) => a.by_tier["2"]],
      ["tier_3", (a) => a.by_tier["3"]],
      ["tier_4", (a) => a.by_tier["4"]],
      ["allow", (a) => a.by_decision.allow],
      ["escalate", (a) => a.by_decision.escalate],
      ["deny", (a) => a.by_decision.deny],
      ["namespaces", (a) => a.namespaces],
      ["protocols", (a) => a.protocols],
    ],
    rows: (d) => d.cc61.agents,
    expectedRows: (d) => d.cc61.population.agents,
  }),
  table<DeniedRequest>({
    file: CSV_LIST_FILES.cc61["/denied_requests"],
    columns: [
      ["timestamp", (r) => r.timestamp],
      ["agent", (r) => r.agent],
      ["protocol", (r) => r.protocol],
      ["method", (r) => r.method],
      ["path", (r) => r.path],
      ["namespace", (r) => r.namespace],
      ["resource", (r) => r.resource],
      ["tier", (r) => r.tier],
      ["file", (r) => r.file],
      ["line", (r) => r.line],
    ],
    rows: (d) => fromSpool(d.cc61.denied_requests as { items: Spool<DeniedRequest> }),
    expectedRows: (d) => d.cc61.denied_requests.total,
  }),
  table<PolicyRow>({
    file: CSV_LIST_FILES.cc61["/policy"],
    columns: [
      ["position", (r) => r.position],
      ["known", (r) => r.snapshot !== null],
      ["version", (r) => r.snapshot?.version ?? null],
      ["sha256", (r) => r.snapshot?.sha256 ?? null],
      ["source", (r) => r.snapshot?.source ?? null],
      ["as_of", (r) => r.snapshot?.as_of ?? null],
      ["default", (r) => (r.snapshot?.snapshot as { default?: unknown } | null)?.default ?? null],
      ["agent", (r) => r.agent],
      ["rules", (r) => r.rules],
    ],
    rows: (d) => [
      ...policyRows("at_start", d.cc61.policy.at_start),
      ...policyRows("at_end", d.cc61.policy.at_end),
    ],
    expectedRows: (d) =>
      policyRows("at_start", d.cc61.policy.at_start).length +
      policyRows("at_end", d.cc61.policy.at_end).length,
  }),
  table<Agent62>({
    file: json("cc62"),
    columns: [
      ["agent", (a) => a.name],
      ["tokens_active", (a) => a.tokens.filter((t) => t.status === "active").length],
      ["tokens_rotated", (a) => a.tokens.filter((t) => t.status === "rotated").length],
      ["tokens_revoked", (a) => a.tokens.filter((t) => t.status === "revoked").length],
      [
        "oldest_active_token_days",
        (a) => {
          const ages = a.tokens.flatMap((t) =>
            t.status === "active" && t.age_days !== null ? [t.age_days] : [],
          );
          return ages.length > 0 ? Math.max(...ages) : null;
        },
      ],
      ["certificates", (a) => a.certificates.length],
      [
        "current_certificate_status",
        (a) =>
          a.certificates.find((c) => c.status !== "superseded" && c.status !== "revoked")?.status ?? null,
      ],
      [
        "current_certificate_not_after",
        (a) =>
          a.certificates.find((c) => c.status !== "superseded" && c.status !== "revoked")?.not_after ?? null,
      ],
      ["jit_k8s_token", (a) => a.jit["k8s-token"]],
      ["jit_ssh_cert", (a) => a.jit["ssh-cert"]],
      ["jit_other", (a) => a.jit.other],
    ],
    rows: (d) => d.cc62.agents,
    expectedRows: (d) => d.cc62.population.agents,
  }),
  table<CredentialRow>({
    file: CSV_LIST_FILES.cc62["/agents"],
    columns: [
      ["agent", (r) => r.agent],
      ["kind", (r) => r.kind],
      ["fingerprint", (r) => r.token?.fingerprint ?? r.cert?.fingerprint_sha256 ?? null],
      ["status", (r) => r.token?.status ?? r.cert?.status ?? null],
      ["issued", (r) => r.token?.issued ?? null],
      ["rotated", (r) => r.token?.rotated ?? null],
      ["revoked", (r) => r.token?.revoked ?? null],
      ["replaced_by", (r) => r.token?.replaced_by ?? null],
      ["age_days", (r) => r.token?.age_days ?? null],
      ["serial", (r) => r.cert?.serial ?? null],
      ["spiffe_id", (r) => r.cert?.spiffe_id ?? null],
      ["not_before", (r) => r.cert?.not_before ?? null],
      ["not_after", (r) => r.cert?.not_after ?? null],
      ["source", (r) => r.cert?.source ?? null],
      ["renewed_at", (r) => r.cert?.timestamp ?? null],
    ],
    rows: (d) => credentialRows(d.cc62),
    expectedRows: (d) => credentialRows(d.cc62).length,
  }),
  table<Cc62["findings"][number]>({
    file: CSV_LIST_FILES.cc62["/findings"],
    columns: [
      ["kind", (f) => f.kind],
      ["agent", (f) => f.agent],
      ["subject", (f) => f.subject],
      ["detail", (f) => f.detail],
    ],
    rows: (d) => d.cc62.findings,
    expectedRows: (d) => d.cc62.findings.length,
  }),
  table<Cc63["by_agent"][number]>({
    file: json("cc63"),
    columns: [
      ["agent", (a) => a.agent],
      ["escalations", (a) => a.escalations],
      ["granted", (a) => a.granted],
      ["denied", (a) => a.denied],
      ["expired", (a) => a.expired],
      ["unresolved", (a) => a.unresolved],
      ["break_glass", (a) => a.break_glass],
    ],
    rows: (d) => d.cc63.by_agent,
    expectedRows: (d) => d.cc63.by_agent.length,
  }),
  table<ApprovalItem & { population: string }>({
    file: CSV_LIST_FILES.cc63["/approvals"],
    columns: [
      ["population", (a) => a.population],
      ["timestamp", (a) => a.timestamp],
      ["decided_at", (a) => a.decided_at],
      ["request_id", (a) => a.request_id],
      ["agent", (a) => a.agent],
      ["tier", (a) => a.tier],
      ["method", (a) => a.method],
      ["path", (a) => a.path],
      ["namespace", (a) => a.namespace],
      ["outcome", (a) => a.outcome],
      ["approver", (a) => a.approver],
      ["wait_ms", (a) => a.wait_ms],
      ["source", (a) => a.source],
    ],
    rows: (d) => approvalRows(d.cc63),
    expectedRows: (d) =>
      d.cc63.approvals.granted +
      d.cc63.approvals.denied +
      d.cc63.approvals.expired +
      d.cc63.approvals.requested_earlier.total +
      d.cc63.approvals.without_request.total,
  }),
  table<EscalationItem>({
    file: CSV_LIST_FILES.cc63["/unresolved_escalations"],
    columns: escalationColumns,
    rows: (d) => fromSpool(d.cc63.unresolved_escalations as { items: Spool<EscalationItem> }),
    expectedRows: (d) => d.cc63.unresolved_escalations.total,
  }),
  table<EscalationItem & { decision: string }>({
    file: CSV_LIST_FILES.cc63["/break_glass"],
    columns: [...escalationColumns, ["decision", (e) => e.decision]],
    rows: (d) => fromSpool(d.cc63.break_glass as { items: Spool<EscalationItem & { decision: string }> }),
    expectedRows: (d) => d.cc63.break_glass.total,
  }),
  table<PolicyChangeRow>({
    file: CSV_LIST_FILES.cc63["/policy_changes"],
    columns: [
      ["timestamp", (r) => r.change.timestamp],
      ["version", (r) => r.change.version],
      ["sha256", (r) => r.change.sha256],
      ["actor", (r) => r.change.actor],
      ["default_before", (r) => r.change.default_before],
      ["default_after", (r) => r.change.default_after],
      ["agent", (r) => r.agent?.agent ?? null],
      ["change", (r) => r.agent?.change ?? null],
      ["rules_before", (r) => r.agent?.rules_before ?? null],
      ["rules_after", (r) => r.agent?.rules_after ?? null],
    ],
    rows: (d) =>
      d.cc63.policy_changes.flatMap((change): PolicyChangeRow[] =>
        change.agents.length === 0
          ? [{ change, agent: null }]
          : change.agents.map((agent) => ({ change, agent })),
      ),
    expectedRows: (d) => d.cc63.policy_changes.reduce((n, c) => n + Math.max(1, c.agents.length), 0),
  }),
  table<Cc63["tier_model"][number]>({
    file: CSV_LIST_FILES.cc63["/tier_model"],
    columns: [
      ["tier", (t) => t.tier],
      ["name", (t) => t.name],
      ["description", (t) => t.description],
      ["events", (t) => t.events],
      ["allow", (t) => t.decisions.allow],
      ["escalate", (t) => t.decisions.escalate],
      ["deny", (t) => t.decisions.deny],
    ],
    rows: (d) => d.cc63.tier_model,
    expectedRows: () => 5,
  }),
  table<Cc72["by_agent"][number] & { verified: boolean }>({
    file: json("cc72"),
    columns: [
      ["agent", (a) => a.agent],
      ["events", (a) => a.events],
      ["first_event", (a) => a.first_event],
      ["last_event", (a) => a.last_event],
      ["exec_sessions", (a) => a.exec_sessions],
      ["api_sessions", (a) => a.api_sessions],
      ["bytes_recorded", (a) => a.bytes_recorded],
      ["hash_chain_verified", (a) => a.verified],
    ],
    rows: (d) => d.cc72.by_agent.map((a) => ({ ...a, verified: d.cc72.audit_log.hash_chain_verified })),
    expectedRows: (d) => d.cc72.by_agent.length,
  }),
  table<Cc72["daily_activity"][number]>({
    file: CSV_LIST_FILES.cc72["/daily_activity"],
    columns: [
      ["date", (r) => r.date],
      ["events", (r) => r.events],
      ["allow", (r) => r.allow],
      ["escalate", (r) => r.escalate],
      ["deny", (r) => r.deny],
    ],
    rows: (d) => d.cc72.daily_activity,
    expectedRows: (d) => d.cc72.population.days_in_period,
  }),
  table<Cc72["silent_periods"][number]>({
    file: CSV_LIST_FILES.cc72["/silent_periods"],
    columns: [
      ["from", (r) => r.from],
      ["to", (r) => r.to],
      ["hours", (r) => r.hours],
    ],
    rows: (d) => d.cc72.silent_periods,
    expectedRows: (d) => d.cc72.silent_periods.length,
  }),
  table<{ session_id: string; problem: string }>({
    file: CSV_LIST_FILES.cc72["/session_recordings"],
    columns: [
      ["session_id", (r) => r.session_id],
      ["problem", (r) => r.problem],
    ],
    rows: (d) => [
      ...d.cc72.session_recordings.missing.map((session_id) => ({ session_id, problem: "missing" })),
      ...d.cc72.session_recordings.digest_mismatches.map((session_id) => ({
        session_id,
        problem: "digest_mismatch",
      })),
    ],
    expectedRows: (d) =>
      d.cc72.session_recordings.missing.length + d.cc72.session_recordings.digest_mismatches.length,
  }),
  table<EvidenceDocuments["integrity"]["files"][number] & { findings: number; verified: boolean }>({
    file: json("integrity"),
    columns: [
      ["file", (f) => f.path],
      ["compressed", (f) => f.compressed],
      ["bytes", (f) => f.bytes],
      ["sha256", (f) => f.sha256],
      ["events", (f) => f.events],
      ["first_hash", (f) => f.first_hash],
      ["last_hash", (f) => f.last_hash],
      ["first_prev_hash", (f) => f.first_prev_hash],
      ["findings", (f) => f.findings],
      ["chain_verified", (f) => f.verified],
    ],
    rows: (d) =>
      d.integrity.files.map((f) => ({
        ...f,
        findings: d.integrity.findings.filter((x) => x.file === f.path).length,
        verified: d.integrity.verified,
      })),
    expectedRows: (d) => d.integrity.files.length,
  }),
  table<EvidenceDocuments["integrity"]["findings"][number]>({
    file: INTEGRITY_FINDINGS_CSV,
    columns: [
      ["kind", (f) => f.kind],
      ["severity", (f) => f.severity],
      ["file", (f) => f.file],
      ["line", (f) => f.line],
      ["expected", (f) => f.expected],
      ["actual", (f) => f.actual],
      ["message", (f) => f.message],
    ],
    rows: (d) => d.integrity.findings,
    expectedRows: (d) => d.integrity.findings.length,
  }),
  table<{ criterion: string; status: string; reason: Cc61["reasons"][number] }>({
    file: REASONS_CSV,
    columns: [
      ["criterion", (r) => r.criterion],
      ["status", (r) => r.status],
      ["code", (r) => r.reason.code],
      ["message", (r) => r.reason.message],
      ["count", (r) => r.reason.count],
      ["detail", (r) => r.reason.detail],
    ],
    rows: (d) =>
      [d.cc61, d.cc62, d.cc63, d.cc72].flatMap((doc) =>
        doc.reasons.map((reason) => ({ criterion: doc.criterion, status: doc.status, reason })),
      ),
    expectedRows: (d) => [d.cc61, d.cc62, d.cc63, d.cc72].reduce((n, doc) => n + doc.reasons.length, 0),
  }),
] as unknown as readonly CsvTable<unknown>[];
