import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "./render-report.ts";
import { closeBrowser, type OpenedReport, openReport } from "./test-support/open-report.ts";
import { exportPackage, packageData, SAMPLE_HOME } from "./test-support/packages.ts";

const ROWS = 100_000;
let report: OpenedReport;

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), "report-large-"));
  const data = packageData(exportPackage(SAMPLE_HOME, join(work, "evidence"), "2026-03-01", "2026-03-31"));
  const cc61 = data.documents["cc6.1-access-controls"];
  const seed = cc61.denied_requests.items as Record<string, unknown>[];
  // 100,000 denied requests, each with a unique path, built from the real ones.
  cc61.denied_requests.items = Array.from({ length: ROWS }, (_, i) => ({
    ...seed[i % seed.length],
    path: `/bulk/row-${i}`,
  }));
  cc61.denied_requests.total = ROWS;
  const html = join(work, "report.html");
  writeFileSync(html, renderReport(data));
  report = await openReport(html);
}, 300_000);
afterAll(closeBrowser);

describe("a findings table of 100,000 rows", () => {
  it("keeps one page of rows in the DOM and pages through all of them", async () => {
    const table = report.page.locator("#d-cc6_1-access-controls_denied_requests_items-table");
    expect(await table.locator("tbody tr").count()).toBe(50);
    const status = report.page.locator(".findings", { has: table }).locator(".table-status");
    expect(await status.textContent()).toContain(`of ${ROWS.toLocaleString("en-US")}`);
  });

  it("finds the one row that matches a search", async () => {
    const input = report.page.getByLabel("Search denied requests");
    await input.fill("/bulk/row-99999");
    await input.press("Enter");
    const table = report.page.locator("#d-cc6_1-access-controls_denied_requests_items-table");
    await expect.poll(() => table.locator("tbody tr").count()).toBe(1);
    expect(await table.locator("tbody tr").textContent()).toContain("/bulk/row-99999");
    expect(report.errors).toEqual([]);
  });
});
