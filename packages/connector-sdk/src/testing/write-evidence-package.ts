import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type EvidenceSummary, type ManifestEntry, summarySchema } from "@iddio-compliance/schema";

/** Options of {@link writeEvidencePackage}. */
export interface WriteEvidencePackageOptions {
  /** @default "json" */
  format?: "json" | "csv";
  /** @default { from: "2026-01-01", to: "2026-03-31", time_zone: "UTC", incomplete: false } */
  period?: Omit<EvidenceSummary["period"], "incomplete"> & { incomplete?: boolean };
  /** Agent names written into the files (vary them to vary the digests). @default ["claude-code", "deploy-bot"] */
  agents?: string[];
}

const TITLES = {
  "CC6.1": "Logical access security",
  "CC6.2": "Credential management",
  "CC6.3": "Authorization and modification",
  "CC7.2": "System monitoring",
} as const;

type Criterion = keyof typeof TITLES;

const JSON_FILES: Record<Criterion, string> = {
  "CC6.1": "cc6.1-access-controls",
  "CC6.2": "cc6.2-credential-lifecycle",
  "CC6.3": "cc6.3-authorization-changes",
  "CC7.2": "cc7.2-monitoring-evidence",
};

const LIST_FILES: Record<
  string,
  { header: string[]; row: (agent: string, period: EvidenceSummary["period"]) => string[] }
> = {
  "cc6.1-denied-requests.csv": {
    header: ["timestamp", "agent", "method", "path", "tier"],
    row: (a, p) => [`${p.from}T10:15:30Z`, a, "DELETE", "/api/v1/namespaces/payments/pods/api-1", "3"],
  },
  "cc6.2-credentials.csv": {
    header: ["agent", "kind", "fingerprint", "issued"],
    row: (a, p) => [a, "token", createHash("sha256").update(a).digest("hex").slice(0, 16), p.from],
  },
  "cc6.3-approvals.csv": {
    header: ["requested_at", "agent", "approver", "outcome"],
    row: (a, p) => [`${p.from}T11:00:00Z`, a, "alice", "granted"],
  },
  "cc6.3-policy-changes.csv": {
    header: ["time", "version", "actor"],
    row: (_a, p) => [`${p.from}T09:00:00Z`, "7", "alice"],
  },
};

function csv(rows: string[][]): string {
  const cell = (value: string): string =>
    /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  return `${rows.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}

/**
 * Writes a small, valid evidence package (JSON or CSV format) into `dir`: the criterion files, the
 * integrity file, CSV list files for the CSV format, and a `summary.json` whose manifest matches
 * (validated against the schema). For tests of connectors and tools that read packages.
 */
export async function writeEvidencePackage(
  dir: string,
  options: WriteEvidencePackageOptions = {},
): Promise<string> {
  const format = options.format ?? "json";
  const period: EvidenceSummary["period"] = {
    from: "2026-01-01",
    to: "2026-03-31",
    time_zone: "UTC",
    ...options.period,
    incomplete: options.period?.incomplete ?? false,
  };
  const agents = options.agents ?? ["claude-code", "deploy-bot"];
  const ext = format === "json" ? "json" : "csv";
  await mkdir(dir, { recursive: true });

  const files = new Map<string, string>();
  for (const criterion of Object.keys(TITLES) as Criterion[]) {
    const header = {
      criterion,
      title: TITLES[criterion],
      period: { from: period.from, to: period.to },
      status: "ok",
      evidence_strength: "strong",
    };
    if (format === "json") {
      const agentsBody = agents.map((name, i) => ({
        name,
        identity_type: "mtls",
        total_requests: 100 + i,
        by_decision: { allow: 90 + i, escalate: 8, deny: 2 },
      }));
      files.set(
        `${JSON_FILES[criterion]}.json`,
        `${JSON.stringify({ ...header, population: { events: 200, out_of: 200 }, agents: agentsBody }, null, 2)}\n`,
      );
    } else {
      const rows = [
        ["criterion", "period_from", "period_to", "agent", "total_requests", "of_total"],
        ...agents.map((a, i) => [criterion, period.from, period.to, a, String(100 + i), "200"]),
      ];
      files.set(`${JSON_FILES[criterion]}.csv`, csv(rows));
    }
  }
  const integrity = {
    algorithm: "sha256",
    verified: true,
    period: { from: period.from, to: period.to },
    files: [{ name: "audit.jsonl", events: 200 }],
    findings: [],
  };
  files.set(
    `audit-log-integrity.${ext}`,
    format === "json"
      ? `${JSON.stringify(integrity, null, 2)}\n`
      : csv([
          ["file", "events", "verified"],
          ["audit.jsonl", "200", "true"],
        ]),
  );
  if (format === "csv") {
    for (const [name, spec] of Object.entries(LIST_FILES))
      files.set(name, csv([spec.header, ...agents.map((a) => spec.row(a, period))]));
    files.set(
      "summary.csv",
      csv([
        ["criterion", "file", "status"],
        ...(Object.keys(TITLES) as Criterion[]).map((c) => [c, `${JSON_FILES[c]}.csv`, "ok"]),
      ]),
    );
  }

  const manifest: ManifestEntry[] = [];
  for (const [name, text] of files) {
    const bytes = Buffer.from(text, "utf8");
    await writeFile(join(dir, name), bytes);
    manifest.push({
      file: name,
      media_type: ext === "json" || name.endsWith(".json") ? "application/json" : "text/csv",
      bytes: bytes.byteLength,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
  }
  const summary: EvidenceSummary = summarySchema.parse({
    generator: { name: "iddio-compliance", version: "0.0.0-test" },
    format,
    period,
    source: { type: "jsonl", location: "~/.iddio", org_id: null },
    generated_at: `${period.to}T23:59:59Z`,
    criteria: (Object.keys(TITLES) as Criterion[]).map((criterion) => ({
      criterion,
      title: TITLES[criterion],
      file: `${JSON_FILES[criterion]}.${ext}`,
      status: "ok",
      evidence_strength: "strong",
      missing_inputs: [],
      reasons: [],
      headline: { agents: agents.length },
    })),
    integrity: {
      file: `audit-log-integrity.${ext}`,
      verified: true,
      chain_events: 200,
      findings: 0,
      chain_head: "a".repeat(64),
    },
    unrecognised_records: { total: 0, kinds: {} },
    manifest,
  });
  await writeFile(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  return dir;
}
