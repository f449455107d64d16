import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "./render-report.ts";
import { closeBrowser, type OpenedReport, openReport } from "./test-support/open-report.ts";
import { exportPackage, packageData, SAMPLE_HOME } from "./test-support/packages.ts";

const MERKLE = {
  algorithm: "rfc6962-sha256",
  root: "f".repeat(64),
  size: 1234,
  first: { index: 10, hash: "1".repeat(64) },
  last: { index: 1243, hash: "2".repeat(64) },
};
const SIGNING = { algorithm: "ed25519", key_id: "3".repeat(64) };
const PREVIOUS = {
  period: { from: "2026-01-01", to: "2026-01-31" },
  summary_sha256: "4".repeat(64),
  chain_head: "5".repeat(64),
  events_through: 99,
};
let report: OpenedReport;

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), "report-fields-"));
  const data = packageData(exportPackage(SAMPLE_HOME, join(work, "evidence"), "2026-02-01", "2026-02-28"));
  // Statuses and fields every reader must handle, set on a real package's documents.
  const [c1, c2] = data.summary.criteria;
  Object.assign(c1, {
    status: "fail",
    evidence_strength: "weak",
    reasons: [
      {
        code: "chain_not_verified",
        message: "the chain did not verify",
        count: 1,
        detail: "audit-log-integrity.json#/findings",
      },
    ],
  });
  Object.assign(c2, {
    status: "no_evidence",
    evidence_strength: "partial",
    reasons: [{ code: "no_events", message: "no record in the period", count: 0, detail: null }],
  });
  Object.assign(data.summary, { merkle: MERKLE, signing: SIGNING, previous: PREVIOUS });
  data.summary.period.incomplete = true;
  const html = join(work, "report.html");
  writeFileSync(html, renderReport(data));
  report = await openReport(html);
}, 300_000);
afterAll(closeBrowser);

describe("fields a package may carry", () => {
  it("shows the Merkle root, the signing key id, the previous package and an incomplete period", async () => {
    expect(report.errors).toEqual([]);
    const text = (field: string) => report.page.locator(`[data-field="${field}"]`).first().textContent();
    expect(await text("merkle.root")).toContain(MERKLE.root);
    expect(await text("merkle.root")).toContain("1,234 events");
    expect(await text("signing.key_id")).toContain(SIGNING.key_id);
    expect(await text("previous")).toContain(PREVIOUS.summary_sha256);
    expect(await text("period.incomplete")).toContain("Incomplete period");
  });

  it("writes out fail, no_evidence and weak in words, and links a reason to the integrity findings' section", async () => {
    const first = report.page.locator("section.criterion").first();
    expect(await first.locator(".criterion-meta").textContent()).toMatch(/Fail.*Weak evidence/);
    expect(
      await report.page.locator("section.criterion").nth(1).locator(".criterion-meta").textContent(),
    ).toMatch(/No evidence.*Partial evidence/);
    const href = await first
      .locator('a[data-detail="audit-log-integrity.json#/findings"]')
      .getAttribute("href");
    expect(href).toBe("#d-audit-log-integrity");
    expect(await report.page.locator(href as string).count()).toBe(1);
  });
});
