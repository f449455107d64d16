import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EVIDENCE_FILES } from "@iddio-compliance/schema";
import { parse as parseCsv } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readLogIndependently } from "../test-support/read-log-independently.ts";
import { exportEvidence } from "./export-evidence.ts";

const SAMPLE = fileURLToPath(new URL("../../../../examples/iddio-home/", import.meta.url));
const START = Date.parse("2026-01-01T00:00:00Z");
const END = Date.parse("2026-04-01T00:00:00Z");

type Rec = Record<string, unknown>;
let out: string;
let docs: Record<string, any>;
let inPeriod: Rec[];
let commands: Rec[];

beforeAll(async () => {
  out = join(mkdtempSync(join(tmpdir(), "export-")), "evidence");
  await exportEvidence({
    source: SAMPLE,
    from: "2026-01-01",
    to: "2026-03-31",
    format: "json",
    output: out,
    now: () => new Date("2026-04-02T00:00:00Z"),
  });
  docs = Object.fromEntries(
    Object.keys(EVIDENCE_FILES).map((f) => [f, JSON.parse(readFileSync(join(out, f), "utf8"))]),
  );
  const all = readLogIndependently(SAMPLE);
  inPeriod = all.filter((r) => {
    const t = Date.parse(r.timestamp as string);
    return t >= START && t < END;
  });
  commands = inPeriod.filter((r) => r.event === undefined);
}, 120_000);

const count = <T>(items: T[], pred: (t: T) => boolean) => items.filter(pred).length;

describe("exportEvidence on the bundled sample quarter", () => {
  it("writes six files that each validate against their published schema", () => {
    for (const [file, schema] of Object.entries(EVIDENCE_FILES)) {
      const result = schema.safeParse(docs[file]);
      expect(result.success, `${file}: ${result.error?.message}`).toBe(true);
    }
  });

  it("verifies the sample's chain", () => {
    expect(docs["audit-log-integrity.json"].verified).toBe(true);
    expect(docs["cc7.2-monitoring-evidence.json"].audit_log.hash_chain_verified).toBe(true);
  });

  it("lists in the manifest every other file with its size and SHA-256", () => {
    const manifest = docs["summary.json"].manifest as { file: string; bytes: number; sha256: string }[];
    expect(manifest.map((m) => m.file).sort()).toEqual(
      [...Object.keys(EVIDENCE_FILES).filter((f) => f !== "summary.json"), "report.html"].sort(),
    );
    for (const m of manifest) {
      const bytes = readFileSync(join(out, m.file));
      expect(bytes.length).toBe(m.bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(m.sha256);
    }
  });

  it("CC6.1: counts every agent's requests by tier, decision, namespace and protocol", () => {
    const agents = docs["cc6.1-access-controls.json"].agents as any[];
    const names = [...new Set(commands.map((c) => c.agent as string))].sort();
    expect(agents.map((a) => a.name)).toEqual(names);
    for (const agent of agents) {
      const mine = commands.filter((c) => c.agent === agent.name);
      expect(agent.total_requests).toBe(mine.length);
      for (const tier of [0, 1, 2, 3, 4])
        expect(agent.by_tier[String(tier)]).toBe(count(mine, (c) => c.tier === tier));
      for (const d of ["allow", "escalate", "deny"])
        expect(agent.by_decision[d]).toBe(count(mine, (c) => c.decision === d));
      expect(agent.namespaces).toEqual([...new Set(mine.map((c) => c.namespace).filter(Boolean))].sort());
      expect(agent.protocols).toEqual(
        [...new Set(mine.map((c) => (c.protocol as string) ?? "kubernetes"))].sort(),
      );
      expect(agent.first_seen).toBe(mine[0]?.timestamp);
      expect(agent.last_seen).toBe(mine.at(-1)?.timestamp);
    }
  });

  it("CC6.1: lists every denied request in log order", () => {
    const denied = commands.filter((c) => c.decision === "deny");
    const doc = docs["cc6.1-access-controls.json"];
    expect(doc.denied_requests.total).toBe(denied.length);
    expect(doc.denied_requests.items.map((d: any) => d.timestamp + d.path)).toEqual(
      denied.map((d) => `${d.timestamp}${d.path}`),
    );
    expect(doc.population.denied_of_command_events).toMatch(
      new RegExp(`^${denied.length} of ${commands.length} `),
    );
  });

  it("CC6.1: states the policy in force at start and end and each change in the period", () => {
    const changes = inPeriod.filter((r) => r.event === "policy.changed");
    const doc = docs["cc6.1-access-controls.json"].policy;
    expect(doc.changes.map((c: any) => c.version)).toEqual(changes.map((c) => c.version));
    if (changes.length > 0) expect(doc.at_end.version).toBe(changes.at(-1)?.version);
  });

  it("CC6.3: counts escalations and their outcomes, and the wait-time median", () => {
    const escalations = commands.filter((c) => c.decision === "escalate");
    const doc = docs["cc6.3-authorization-changes.json"];
    expect(doc.population.escalations).toBe(escalations.length);
    for (const o of ["granted", "denied", "expired"])
      expect(doc.approvals[o]).toBe(count(escalations, (e) => e.approval === o));
    const waits = escalations
      .map((e) => e.approval_wait_ms)
      .filter((w): w is number => typeof w === "number")
      .sort((a, b) => a - b);
    const median = waits[Math.ceil(waits.length / 2) - 1];
    expect(doc.approvals.wait_ms.median).toBe(median ?? null);
    expect(doc.unresolved_escalations.total).toBe(count(escalations, (e) => e.approval === undefined));
    expect(doc.break_glass.total).toBe(count(commands, (c) => c.tier === 4));
  });

  it("CC6.2: counts JIT issuances by kind and fingerprints tokens.yaml without keeping a value", () => {
    const doc = docs["cc6.2-credential-lifecycle.json"];
    const jit = inPeriod.filter((r) => r.event === "jit.issued");
    const total = (doc.agents as any[]).reduce(
      (s, a) => s + a.jit["k8s-token"] + a.jit["ssh-cert"] + a.jit.other,
      0,
    );
    expect(total).toBe(jit.length);
    const tokens = (
      parseYaml(readFileSync(join(SAMPLE, "tokens.yaml"), "utf8")) as {
        tokens: { agent: string; token: string }[];
      }
    ).tokens;
    const text = readFileSync(join(out, "cc6.2-credential-lifecycle.json"), "utf8");
    for (const t of tokens) {
      expect(text).not.toContain(t.token);
      expect(text).toContain(`sha256:${createHash("sha256").update(t.token).digest("hex")}`);
    }
  });

  it("CC7.2: counts events, sessions by type and daily activity that adds up", () => {
    const doc = docs["cc7.2-monitoring-evidence.json"];
    expect(doc.audit_log.total_events).toBe(inPeriod.length);
    const sessions = inPeriod.filter((r) => r.event === "session.recorded");
    expect(doc.session_recordings.exec_sessions).toBe(count(sessions, (s) => s.type === "exec"));
    expect(doc.session_recordings.api_sessions).toBe(count(sessions, (s) => s.type === "api"));
    expect(doc.daily_activity).toHaveLength(90);
    expect(doc.daily_activity.reduce((s: number, d: any) => s + d.events, 0)).toBe(inPeriod.length);
    expect(doc.audit_log.first_event).toBe(inPeriod[0]?.timestamp);
  });
});

describe("exportEvidence as CSV", () => {
  it("neutralises agent names that a spreadsheet would run as formulas and round-trips quotes, commas and newlines", async () => {
    const csvOut = join(mkdtempSync(join(tmpdir(), "export-")), "evidence");
    await exportEvidence({
      source: SAMPLE,
      from: "2026-01-01",
      to: "2026-03-31",
      format: "csv",
      output: csvOut,
    });
    const rows = parseCsv(readFileSync(join(csvOut, "cc6.1-access-controls.csv")), {
      columns: true,
    }) as Record<string, string>[];
    const names = [...new Set(commands.map((c) => c.agent as string))].sort();
    expect(rows.map((r) => r.agent)).toEqual(names.map((n) => (/^[=+\-@\t\r]/.test(n) ? `'${n}` : n)));
    const denied = parseCsv(readFileSync(join(csvOut, "cc6.1-denied-requests.csv")), {
      columns: true,
    }) as Record<string, string>[];
    const expected = commands.filter((c) => c.decision === "deny");
    expect(denied.map((d) => d.path)).toEqual(
      expected.map((d) => (/^[=+\-@\t\r]/.test(d.path as string) ? `'${d.path}` : d.path)),
    );
  });
});
