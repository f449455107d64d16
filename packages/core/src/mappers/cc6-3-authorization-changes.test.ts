import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { command, writeChain } from "../test-support/write-chain.ts";

type Rec = Record<string, unknown>;

async function cc63(records: Rec[], format: "json" | "csv" = "json") {
  const out = join(mkdtempSync(join(tmpdir(), "cc63-")), "evidence");
  await exportEvidence({
    source: writeChain(records),
    from: "2026-02-01",
    to: "2026-02-28",
    format,
    output: out,
    now: () => new Date("2026-03-10T00:00:00Z"),
    mappingThread: false,
  });
  const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  const doc =
    format === "json"
      ? JSON.parse(readFileSync(join(out, "cc6.3-authorization-changes.json"), "utf8"))
      : null;
  return { out, doc, summary };
}

const escalation = (id: string, timestamp: string, extra: Rec = {}) =>
  command({ timestamp, request_id: id, decision: "escalate", tier: 3, method: "DELETE", ...extra });
const outcome = (kind: string, id: string, timestamp: string, extra: Rec = {}) => ({
  event: `approval.${kind}`,
  timestamp,
  request_id: id,
  agent: "claude-code",
  approver: "alice",
  wait_ms: 4000,
  ...extra,
});
/** Ordinary traffic, so the period is not empty. */
const filler = command({ timestamp: "2026-02-10T12:00:00Z" });

const figures = (doc: any) => ({
  escalations: doc.population.escalations,
  granted: doc.approvals.granted,
  denied: doc.approvals.denied,
  expired: doc.approvals.expired,
  unresolved: doc.unresolved_escalations.total,
  items: doc.approvals.items.length,
  waits: doc.approvals.wait_ms,
  byAgent: doc.by_agent.map((a: any) => [
    a.agent,
    a.escalations,
    a.granted,
    a.denied,
    a.expired,
    a.unresolved,
  ]),
});

describe("CC6.3 approval linking", () => {
  it("counts an escalation once when its outcome is on the command line and in an approval record", async () => {
    const { doc } = await cc63([
      escalation("esc_1", "2026-02-05T10:00:00Z", {
        approval: "granted",
        approver: "alice",
        approval_wait_ms: 4000,
      }),
      outcome("granted", "esc_1", "2026-02-05T10:00:04Z"),
      filler,
    ]);
    expect(figures(doc)).toEqual({
      escalations: 1,
      granted: 1,
      denied: 0,
      expired: 0,
      unresolved: 0,
      items: 1,
      waits: { median: 4000, p95: 4000, max: 4000 },
      byAgent: [["claude-code", 1, 1, 0, 0, 0]],
    });
    expect(doc.status).toBe("ok");
  });

  it("links an outcome written before its escalated command line", async () => {
    const { doc } = await cc63([
      outcome("denied", "esc_2", "2026-02-05T10:00:09Z"),
      escalation("esc_2", "2026-02-05T10:00:00Z", { approval_wait_ms: 9000 }),
      filler,
    ]);
    expect(figures(doc)).toMatchObject({ escalations: 1, denied: 1, unresolved: 0, items: 1 });
    expect(doc.approvals.items[0]).toMatchObject({
      request_id: "esc_2",
      timestamp: "2026-02-05T10:00:00Z",
      decided_at: "2026-02-05T10:00:09Z",
      outcome: "denied",
      source: "record",
      method: "DELETE",
    });
  });

  it("gives the same figures whatever the order of a request, its outcome on the line and its record", async () => {
    const line = escalation("esc_3", "2026-02-05T10:00:00Z", {
      approval: "expired",
      approval_wait_ms: 60000,
    });
    const record = outcome("expired", "esc_3", "2026-02-05T10:01:00Z", {
      approver: undefined,
      wait_ms: 60000,
    });
    const other = escalation("esc_4", "2026-02-05T10:00:30Z");
    const otherRecord = outcome("granted", "esc_4", "2026-02-05T10:00:40Z", { wait_ms: 10000 });
    const orders = [
      [line, record, other, otherRecord],
      [record, line, otherRecord, other],
      [record, otherRecord, other, line],
      [other, line, otherRecord, record],
    ];
    const seen = [];
    for (const order of orders) seen.push(figures((await cc63([...order, filler])).doc));
    for (const f of seen) expect(f).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({ escalations: 2, granted: 1, expired: 1, unresolved: 0, items: 2 });
  });

  it("lists an outcome in the period for a request made before it apart from the period's escalations", async () => {
    const { doc } = await cc63([
      escalation("esc_5", "2026-01-31T23:59:50Z"),
      outcome("granted", "esc_5", "2026-02-01T00:00:10Z"),
      filler,
    ]);
    expect(figures(doc)).toMatchObject({ escalations: 0, granted: 0, unresolved: 0, items: 0 });
    expect(doc.approvals.requested_earlier).toMatchObject({ total: 1, granted: 1 });
    expect(doc.approvals.requested_earlier.items[0]).toMatchObject({
      request_id: "esc_5",
      timestamp: "2026-01-31T23:59:50Z",
      outcome: "granted",
    });
  });

  it("calls an escalation unresolved when its outcome came after the period, and the package does not change as the log grows", async () => {
    const before = [filler, escalation("esc_6", "2026-02-28T23:59:50Z")];
    const closed = await cc63(before);
    const grown = await cc63([
      ...before,
      outcome("granted", "esc_6", "2026-03-01T00:00:10Z"),
      escalation("esc_7", "2026-03-01T00:00:20Z", { approval: "granted", approval_wait_ms: 1000 }),
    ]);
    expect(figures(closed.doc)).toMatchObject({ escalations: 1, granted: 0, unresolved: 1 });
    const { reasons: _a, ...a } = closed.doc;
    const { reasons: _b, ...b } = grown.doc;
    expect(b).toEqual(a);
    expect(grown.doc.reasons).toEqual(closed.doc.reasons);
    expect(closed.doc.status).toBe("attention");
    expect(closed.doc.reasons[0]).toMatchObject({
      code: "unresolved_escalations",
      count: 1,
      detail: "cc6.3-authorization-changes.json#/unresolved_escalations",
    });
  });

  it("does not count an outcome on the command line whose wait ends after the period", async () => {
    const { doc } = await cc63([
      filler,
      escalation("esc_8", "2026-02-28T23:59:30Z", { approval: "granted", approval_wait_ms: 45_000 }),
    ]);
    expect(figures(doc)).toMatchObject({ escalations: 1, granted: 0, unresolved: 1 });
  });

  it("counts the command line's outcome and reports a contradicting approval record", async () => {
    const { doc } = await cc63([
      escalation("esc_9", "2026-02-05T10:00:00Z", { approval: "granted", approval_wait_ms: 2000 }),
      outcome("denied", "esc_9", "2026-02-05T10:00:02Z"),
      filler,
    ]);
    expect(figures(doc)).toMatchObject({ escalations: 1, granted: 1, denied: 0 });
    expect(doc.approvals.conflicting_outcomes).toBe(1);
    expect(doc.reasons.map((r: any) => r.code)).toEqual(["conflicting_outcomes"]);
  });

  it("lists an outcome whose request the log does not hold, and points a CSV package's reason at its file", async () => {
    const records = [outcome("granted", "esc_missing", "2026-02-05T10:00:00Z"), filler];
    const { doc } = await cc63(records);
    expect(doc.approvals.without_request.total).toBe(1);
    expect(figures(doc)).toMatchObject({ escalations: 0, granted: 0 });
    const csv = await cc63(records, "csv");
    const entry = csv.summary.criteria.find((c: any) => c.criterion === "CC6.3");
    expect(entry.reasons).toEqual([
      expect.objectContaining({ code: "outcomes_without_request", count: 1, detail: "cc6.3-approvals.csv" }),
    ]);
  });
});
