import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { command, writeChain } from "../test-support/write-chain.ts";

const CRITERIA = [
  "cc6.1-access-controls.json",
  "cc6.2-credential-lifecycle.json",
  "cc6.3-authorization-changes.json",
  "cc7.2-monitoring-evidence.json",
];

async function exportHome(home: string, now: string) {
  const out = join(mkdtempSync(join(tmpdir(), "assess-")), "evidence");
  await exportEvidence({
    source: home,
    from: "2026-02-01",
    to: "2026-02-28",
    format: "json",
    output: out,
    now: () => new Date(now),
  });
  const read = (f: string) => JSON.parse(readFileSync(join(out, f), "utf8"));
  return { docs: CRITERIA.map(read), summary: read("summary.json") };
}

const traffic = [
  command({ timestamp: "2026-02-03T09:00:00Z" }),
  command({ timestamp: "2026-02-03T09:00:01Z", decision: "deny", tier: 3 }),
  command({ timestamp: "2026-02-04T09:00:00Z" }),
];

describe("criterion status and reasons", () => {
  it("makes every criterion fail with a reason when the chain does not verify, and none reads ok or strong", async () => {
    const home = writeChain(traffic);
    const file = join(home, "audit.jsonl");
    writeFileSync(file, readFileSync(file, "utf8").replace('"decision":"deny"', '"decision":"allow"'));
    const { docs, summary } = await exportHome(home, "2026-03-10T00:00:00Z");
    for (const doc of docs) {
      expect(doc.status, doc.criterion).toBe("fail");
      expect(doc.evidence_strength, doc.criterion).toBe("weak");
      expect(doc.reasons[0]).toMatchObject({ code: "chain_not_verified", count: 1 });
    }
    expect(summary.criteria.map((c: { status: string }) => c.status)).toEqual([
      "fail",
      "fail",
      "fail",
      "fail",
    ]);
    expect(summary.integrity.verified).toBe(false);
  });

  it("says a period with no events has no evidence instead of reading ok", async () => {
    const home = writeChain([
      command({ timestamp: "2026-01-10T09:00:00Z" }),
      command({ timestamp: "2026-03-10T09:00:00Z" }),
    ]);
    const { docs, summary } = await exportHome(home, "2026-04-01T00:00:00Z");
    for (const doc of docs) {
      expect(doc.status, doc.criterion).toBe("no_evidence");
      expect(doc.evidence_strength).toBe("weak");
      expect(doc.reasons.map((r: { code: string }) => r.code)).toContain("no_events");
    }
    expect(summary.criteria.every((c: { status: string }) => c.status === "no_evidence")).toBe(true);
  });

  it("marks a period that has not ended incomplete, in every file, and never ok", async () => {
    const { docs, summary } = await exportHome(writeChain(traffic), "2026-02-15T12:00:00Z");
    expect(summary.period.incomplete).toBe(true);
    for (const doc of docs) {
      expect(doc.period.incomplete).toBe(true);
      expect(doc.status).not.toBe("ok");
      expect(doc.evidence_strength).toBe("weak");
      expect(doc.reasons.map((r: { code: string }) => r.code)).toContain("period_not_ended");
    }
  });

  it("gives a closed period with events and a verified chain no period reasons", async () => {
    const { docs, summary } = await exportHome(writeChain(traffic), "2026-03-10T00:00:00Z");
    expect(summary.period.incomplete).toBe(false);
    for (const doc of docs) {
      const codes = doc.reasons.map((r: { code: string }) => r.code);
      expect(codes).not.toContain("chain_not_verified");
      expect(codes).not.toContain("no_events");
      expect(codes).not.toContain("period_not_ended");
      expect(doc.status === "ok").toBe(doc.reasons.length === 0);
    }
  });
});
