import { join } from "node:path";
import type { ManifestEntry } from "@iddio-compliance/schema";
import type { DeniedRequest } from "../mappers/cc6-1-access-controls.ts";
import type { ApprovalItem } from "../mappers/cc6-3-authorization-changes.ts";
import { csvRows } from "./csv-cells.ts";
import { type EvidenceDocuments, FILE_NAMES } from "./evidence-documents.ts";
import { FileSink } from "./file-sink.ts";
import type { Spool } from "./spool.ts";

type Row = readonly unknown[];

async function writeCsv(
  dir: string,
  file: string,
  header: Row,
  rows: Iterable<Row> | AsyncIterable<Row>,
): Promise<ManifestEntry> {
  const sink = new FileSink(join(dir, file));
  await sink.write(csvRows([header]));
  let batch: Row[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= 1000) {
      await sink.write(csvRows(batch));
      batch = [];
    }
  }
  if (batch.length > 0) await sink.write(csvRows(batch));
  return { file, media_type: "text/csv", ...sink.close() };
}

/** One certificate as a row of `cc6.2-credentials.csv`. */
function certificateRow(
  agent: string,
  c: {
    fingerprint_sha256: string;
    status: string;
    not_before: string;
    serial: string;
    spiffe_id: string | null;
    not_after: string;
  },
): Row {
  return [
    agent,
    "certificate",
    c.fingerprint_sha256,
    c.status,
    c.not_before,
    null,
    null,
    null,
    c.serial,
    c.spiffe_id,
    c.not_after,
  ];
}

async function* mapSpool<T>(spool: Spool<T>, fn: (item: T) => Row): AsyncGenerator<Row> {
  for await (const item of spool.items()) yield fn(item);
}

/**
 * Writes the evidence as CSV (DESIGN §5): one row per agent in each criterion file, one row per
 * log file in `audit-log-integrity.csv`, and lists in their own files. Returns manifest entries.
 */
export async function writeCsvPackage(dir: string, docs: EvidenceDocuments): Promise<ManifestEntry[]> {
  const { cc61, cc62, cc63, cc72, integrity } = docs;
  const out: ManifestEntry[] = [];

  out.push(
    await writeCsv(
      dir,
      `${FILE_NAMES.cc61}.csv`,
      [
        "agent",
        "identity_type",
        "spiffe_id",
        "first_seen",
        "last_seen",
        "total_requests",
        "tier_0",
        "tier_1",
        "tier_2",
        "tier_3",
        "tier_4",
        "allow",
        "escalate",
        "deny",
        "namespaces",
        "protocols",
      ],
      cc61.agents.map((a) => [
        a.name,
        a.identity_type,
        a.spiffe_id,
        a.first_seen,
        a.last_seen,
        a.total_requests,
        a.by_tier["0"],
        a.by_tier["1"],
        a.by_tier["2"],
        a.by_tier["3"],
        a.by_tier["4"],
        a.by_decision.allow,
        a.by_decision.escalate,
        a.by_decision.deny,
        a.namespaces,
        a.protocols,
      ]),
    ),
  );
  out.push(
    await writeCsv(
      dir,
      "cc6.1-denied-requests.csv",
      ["timestamp", "agent", "protocol", "method", "path", "namespace", "resource", "tier", "file", "line"],
      mapSpool(cc61.denied_requests.items as Spool<DeniedRequest>, (d) => [
        d.timestamp,
        d.agent,
        d.protocol,
        d.method,
        d.path,
        d.namespace,
        d.resource,
        d.tier,
        d.file,
        d.line,
      ]),
    ),
  );

  out.push(
    await writeCsv(
      dir,
      `${FILE_NAMES.cc62}.csv`,
      [
        "agent",
        "tokens_active",
        "tokens_rotated",
        "tokens_revoked",
        "oldest_active_token_days",
        "certificates",
        "current_certificate_status",
        "current_certificate_not_after",
        "jit_k8s_token",
        "jit_ssh_cert",
        "jit_other",
        "findings",
      ],
      cc62.agents.map((a) => {
        const active = a.tokens.filter((t) => t.status === "active");
        const current = a.certificates.find((c) => c.status !== "superseded" && c.status !== "revoked");
        const ages = active.map((t) => t.age_days).filter((d): d is number => d !== null);
        return [
          a.name,
          active.length,
          a.tokens.filter((t) => t.status === "rotated").length,
          a.tokens.filter((t) => t.status === "revoked").length,
          ages.length > 0 ? Math.max(...ages) : null,
          a.certificates.length,
          current?.status ?? null,
          current?.not_after ?? null,
          a.jit["k8s-token"],
          a.jit["ssh-cert"],
          a.jit.other,
          cc62.findings.filter((f) => f.agent === a.name).map((f) => f.kind),
        ];
      }),
    ),
  );
  const credentialRows: Row[] = [];
  for (const a of cc62.agents) {
    for (const t of a.tokens)
      credentialRows.push([
        a.name,
        "token",
        t.fingerprint,
        t.status,
        t.issued,
        t.rotated,
        t.revoked,
        t.age_days,
        null,
        null,
        null,
      ]);
    for (const c of a.certificates) credentialRows.push(certificateRow(a.name, c));
  }
  for (const c of cc62.proxy_certificate.renewals) credentialRows.push(certificateRow("proxy", c));
  out.push(
    await writeCsv(
      dir,
      "cc6.2-credentials.csv",
      [
        "agent",
        "kind",
        "fingerprint",
        "status",
        "issued_or_not_before",
        "rotated",
        "revoked",
        "age_days",
        "serial",
        "spiffe_id",
        "not_after",
      ],
      credentialRows,
    ),
  );

  out.push(
    await writeCsv(
      dir,
      `${FILE_NAMES.cc63}.csv`,
      ["agent", "escalations", "granted", "denied", "expired", "unresolved", "break_glass"],
      cc63.by_agent.map((a) => [
        a.agent,
        a.escalations,
        a.granted,
        a.denied,
        a.expired,
        a.unresolved,
        a.break_glass,
      ]),
    ),
  );
  out.push(
    await writeCsv(
      dir,
      "cc6.3-approvals.csv",
      [
        "timestamp",
        "request_id",
        "agent",
        "tier",
        "method",
        "path",
        "namespace",
        "outcome",
        "approver",
        "wait_ms",
      ],
      mapSpool(cc63.approvals.items as Spool<ApprovalItem>, (a) => [
        a.timestamp,
        a.request_id,
        a.agent,
        a.tier,
        a.method,
        a.path,
        a.namespace,
        a.outcome,
        a.approver,
        a.wait_ms,
      ]),
    ),
  );
  out.push(
    await writeCsv(
      dir,
      "cc6.3-policy-changes.csv",
      [
        "timestamp",
        "version",
        "sha256",
        "actor",
        "default_before",
        "default_after",
        "agents_added",
        "agents_removed",
        "agents_modified",
      ],
      cc63.policy_changes.map((c) => [
        c.timestamp,
        c.version,
        c.sha256,
        c.actor,
        c.default_before,
        c.default_after,
        c.agents.filter((a) => a.change === "added").map((a) => a.agent),
        c.agents.filter((a) => a.change === "removed").map((a) => a.agent),
        c.agents.filter((a) => a.change === "modified").map((a) => a.agent),
      ]),
    ),
  );

  out.push(
    await writeCsv(
      dir,
      `${FILE_NAMES.cc72}.csv`,
      [
        "agent",
        "events",
        "first_event",
        "last_event",
        "exec_sessions",
        "api_sessions",
        "bytes_recorded",
        "hash_chain_verified",
      ],
      cc72.by_agent.map((a) => [
        a.agent,
        a.events,
        a.first_event,
        a.last_event,
        a.exec_sessions,
        a.api_sessions,
        a.bytes_recorded,
        cc72.audit_log.hash_chain_verified,
      ]),
    ),
  );
  out.push(
    await writeCsv(
      dir,
      `${FILE_NAMES.integrity}.csv`,
      [
        "file",
        "compressed",
        "bytes",
        "sha256",
        "events",
        "first_hash",
        "last_hash",
        "first_prev_hash",
        "findings",
        "chain_verified",
      ],
      integrity.files.map((f) => [
        f.path,
        f.compressed,
        f.bytes,
        f.sha256,
        f.events,
        f.first_hash,
        f.last_hash,
        f.first_prev_hash,
        integrity.findings.filter((x) => x.file === f.path).length,
        integrity.verified,
      ]),
    ),
  );
  return out;
}
