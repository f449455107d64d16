import { describe, expect, it } from "vitest";
import { generateHome } from "./generate-home.ts";
import type { GenerateOptions } from "./options.ts";
import { chainOrder, readAuditFiles, readRecords, verifyFiles } from "./test-support/chain.ts";
import { instantOf, useScratch } from "./test-support/scratch.ts";

const dir = useScratch();
const base: Omit<GenerateOptions, "outDir"> = {
  seed: "approvals",
  from: "2026-02-01",
  to: "2026-02-28",
  events: 3_000,
  agents: 8,
};

type Rec = Record<string, unknown>;

/** An escalation as the log shows it: its line, its records and where each sits in the chain. */
interface Escalation {
  line: Rec;
  lineIndex: number;
  requested: { record: Rec; index: number }[];
  outcomes: { record: Rec; index: number }[];
}

/** Reads a home and groups escalated lines and approval records by request_id. */
async function escalations(options: Partial<GenerateOptions>) {
  const home = dir();
  await generateHome({ ...base, ...options, outDir: home });
  const records = readRecords(home);
  const byId = new Map<string, Escalation>();
  const entry = (id: string) => {
    let e = byId.get(id);
    if (e === undefined) {
      e = { line: {}, lineIndex: -1, requested: [], outcomes: [] };
      byId.set(id, e);
    }
    return e;
  };
  records.forEach((r, index) => {
    if (r.event === undefined && r.decision === "escalate") {
      const e = entry(String(r.request_id));
      e.line = r;
      e.lineIndex = index;
    } else if (r.event === "approval.requested") {
      entry(String(r.request_id)).requested.push({ record: r, index });
    } else if (typeof r.event === "string" && r.event.startsWith("approval.")) {
      entry(String(r.request_id)).outcomes.push({ record: r, index });
    }
  });
  return { home, records, all: [...byId.values()] };
}

const outcomeOf = (e: Escalation) => String(e.outcomes[0]?.record.event).replace("approval.", "");

describe("approval outcomes", () => {
  it("are on the escalated line only by default, with no approval records", async () => {
    const { records, all } = await escalations({});
    expect(records.some((r) => String(r.event).startsWith("approval."))).toBe(false);
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((e) => e.line.approval !== undefined).length).toBeGreaterThan(all.length * 0.9);
  });

  it("are in approval records linked by request_id, the line keeping only request_id, in record mode", async () => {
    const { all } = await escalations({ approvalRecords: "record" });
    expect(all.length).toBeGreaterThan(50);
    let resolved = 0;
    for (const e of all) {
      expect(e.lineIndex).toBeGreaterThanOrEqual(0);
      expect(e.line.request_id).toMatch(/^esc_[0-9a-f]{8}$/);
      expect([e.line.approval, e.line.approver, e.line.approval_wait_ms]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(e.requested).toHaveLength(1);
      const requested = e.requested[0]?.record ?? {};
      expect(requested.agent).toBe(e.line.agent);
      expect(requested.timestamp).toBe(e.line.timestamp);
      expect(e.outcomes.length).toBeLessThanOrEqual(1);
      const outcome = e.outcomes[0]?.record;
      if (outcome === undefined) continue;
      resolved++;
      expect(outcome.agent).toBe(e.line.agent);
      expect(typeof outcome.wait_ms).toBe("number");
      const waited = instantOf(outcome.timestamp) - instantOf(requested.timestamp);
      expect(Math.abs(waited - Number(outcome.wait_ms))).toBeLessThan(1000);
      if (outcome.event === "approval.expired") expect(outcome.approver).toBeUndefined();
      else expect(typeof outcome.approver).toBe("string");
    }
    expect(resolved).toBeGreaterThan(all.length * 0.9);
    expect(new Set(all.map(outcomeOf))).toEqual(new Set(["granted", "denied", "expired"]));
  });

  it("are written twice with the same outcome, approver and wait in both mode", async () => {
    const { all } = await escalations({ approvalRecords: "both" });
    const resolved = all.filter((e) => e.outcomes.length > 0);
    expect(resolved.length).toBeGreaterThan(50);
    for (const e of all) {
      expect(e.requested).toHaveLength(1);
      const outcome = e.outcomes[0]?.record;
      if (outcome === undefined) {
        expect(e.line.approval).toBeUndefined();
        continue;
      }
      expect(`approval.${String(e.line.approval)}`).toBe(outcome.event);
      expect(e.line.approver).toBe(outcome.approver);
      expect(e.line.approval_wait_ms).toBe(outcome.wait_ms);
    }
  });

  it("are on the line, in records or in both, drawn per escalation, in mixed mode", async () => {
    const { all } = await escalations({ approvalRecords: "mixed" });
    const kinds = new Set(
      all
        .filter((e) => e.line.approval !== undefined || e.outcomes.length > 0)
        .map((e) => (e.outcomes.length === 0 ? "line" : e.line.approval === undefined ? "record" : "both")),
    );
    expect(kinds).toEqual(new Set(["line", "record", "both"]));
  });

  it("come before their command line in outcome-first order, the line stamped when the wait ends", async () => {
    const { home, all } = await escalations({ approvalRecords: "record", approvalOrder: "outcome-first" });
    const resolved = all.filter((e) => e.outcomes.length > 0);
    expect(resolved.length).toBeGreaterThan(50);
    for (const e of resolved) {
      const requested = e.requested[0];
      const outcome = e.outcomes[0];
      expect(requested !== undefined && outcome !== undefined).toBe(true);
      expect(requested?.index).toBeLessThan(outcome?.index ?? -1);
      expect(outcome?.index).toBeLessThan(e.lineIndex);
      expect(e.line.timestamp).toBe(outcome?.record.timestamp);
    }
    // The chain's timestamps never go back.
    expect(verifyFiles(chainOrder(readAuditFiles(home)))).toEqual([]);
  });

  it("come before or after their line, drawn per escalation, in mixed order", async () => {
    const { all } = await escalations({ approvalRecords: "both", approvalOrder: "mixed" });
    const resolved = all.filter((e) => e.outcomes.length > 0);
    const before = resolved.filter((e) => (e.outcomes[0]?.index ?? 0) < e.lineIndex);
    expect(before.length).toBeGreaterThan(resolved.length * 0.3);
    expect(before.length).toBeLessThan(resolved.length * 0.7);
  });

  it("leave a line written after its wait stamped at the request when asked, which the chain reports as regressions", async () => {
    const { home, all } = await escalations({
      approvalRecords: "record",
      approvalOrder: "outcome-first",
      outcomeFirstTimestamp: "requested",
    });
    for (const e of all.filter((x) => x.outcomes.length > 0)) {
      expect(e.line.timestamp).toBe(e.requested[0]?.record.timestamp);
      expect(e.outcomes[0]?.index).toBeLessThan(e.lineIndex);
    }
    const findings = verifyFiles(chainOrder(readAuditFiles(home)));
    expect(findings.length).toBeGreaterThan(10);
    expect(new Set(findings.map((f) => f.kind))).toEqual(new Set(["timestamp_regression"]));
  });
});
