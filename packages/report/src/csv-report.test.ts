import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowser, type OpenedReport, openReport } from "./test-support/open-report.ts";
import { exportPackage, reportOf, SAMPLE_HOME } from "./test-support/packages.ts";

let dir: string;
let report: OpenedReport;

beforeAll(async () => {
  dir = exportPackage(
    SAMPLE_HOME,
    join(mkdtempSync(join(tmpdir(), "report-csv-")), "evidence"),
    "2026-01-01",
    "2026-03-31",
    ["--format", "csv"],
  );
  report = await openReport(reportOf(dir));
}, 300_000);
afterAll(closeBrowser);

describe("report.html of a CSV package", () => {
  it("draws without an error or a request, with the summary's statuses", async () => {
    expect(report.errors).toEqual([]);
    expect(report.requests).toEqual([report.url]);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    const shown = await report.page.$$eval(
      "section.criterion[data-criterion] .criterion-meta [data-status]",
      (els) => els.map((el) => (el as HTMLElement).dataset.status),
    );
    expect(shown).toEqual(summary.criteria.map((c: { status: string }) => c.status));
  });

  it("links each reason's CSV file to the list it holds, not just to the criterion", async () => {
    const links = await report.page.$$eval("a[data-detail]", (as) =>
      as.map((a) => [(a as HTMLElement).dataset.detail, a.getAttribute("href")]),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const [detail, href] of links) {
      expect(href, detail).toMatch(/^#d-/);
      if (
        detail?.endsWith(".csv") &&
        !/^cc\d\.\d-[a-z-]+-(controls|lifecycle|changes|evidence)\.csv$/.test(detail)
      )
        expect(href, detail).toMatch(/_[a-z_]+$/);
    }
  });
});
