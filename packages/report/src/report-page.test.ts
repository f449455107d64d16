import { mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEMPLATE_URL } from "./template.ts";
import { closeBrowser, type OpenedReport, openReport } from "./test-support/open-report.ts";
import { exportPackage, packageData, REPO_ROOT, reportOf, SAMPLE_HOME } from "./test-support/packages.ts";

/** Screenshots of each section, kept by CI as artefacts (README, "The report"). */
export const SCREENSHOTS = join(REPO_ROOT, "artifacts/report-screenshots");

let dir: string;
let report: OpenedReport;
let data: ReturnType<typeof packageData>;

beforeAll(async () => {
  dir = exportPackage(SAMPLE_HOME, join(mkdtempSync(join(tmpdir(), "report-sample-")), "evidence"));
  data = packageData(dir);
  report = await openReport(reportOf(dir));
}, 300_000);
afterAll(closeBrowser);

describe("report.html of the bundled sample, in Chromium", () => {
  it("draws without a console error and makes no request but its own file", () => {
    expect(report.errors).toEqual([]);
    expect(report.requests).toEqual([report.url]);
    return expect(report.page.evaluate(() => document.documentElement.dataset.ready)).resolves.toBe("true");
  });

  it("shows every headline figure and population count exactly as the JSON files state them", async () => {
    const shown = await report.page.$$eval("[data-field][data-value]", (els) =>
      els.map((el) => [
        (el as HTMLElement).dataset.field,
        JSON.parse((el as HTMLElement).dataset.value ?? "null"),
        el.textContent,
      ]),
    );
    const byField = new Map(shown.map(([field, value, text]) => [field, { value, text }]));
    let compared = 0;
    for (const entry of data.summary.criteria) {
      for (const [key, value] of Object.entries(entry.headline)) {
        const cell = byField.get(`${entry.criterion}.headline.${key}`);
        expect(cell?.value, `${entry.criterion} ${key}`).toEqual(value);
        if (typeof value === "number" && !key.endsWith("_ms"))
          expect(cell?.text?.replaceAll(",", ""), `${entry.criterion} ${key}`).toBe(String(value));
        compared++;
      }
      const doc = data.documents[entry.file.replace(/\.json$/, "")];
      for (const [key, value] of Object.entries(doc.population)) {
        expect(
          byField.get(`${entry.criterion}.population.${key}`)?.value,
          `${entry.criterion} population ${key}`,
        ).toEqual(value);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(30);
  });

  it("draws every chart with marks in it", async () => {
    const charts = await report.page.$$eval("figure[data-chart]", (figs) =>
      figs.map((f) => [
        (f as HTMLElement).dataset.chart,
        f.querySelectorAll("svg.chart rect, svg.chart path, svg.chart circle").length,
      ]),
    );
    expect(charts.map(([kind]) => kind).sort()).toEqual(
      [
        "approval-waits",
        "credential-timeline",
        "daily-activity",
        "policy-timeline",
        "requests-by-decision",
        "requests-by-tier",
      ].sort(),
    );
    for (const [kind, marks] of charts) expect(marks, String(kind)).toBeGreaterThan(5);
  });

  it("lists the denied requests in a table whose search finds exactly the matching rows", async () => {
    const denied = data.documents["cc6.1-access-controls"].denied_requests.items as { agent: string }[];
    const agent = denied[0]?.agent as string;
    const expected = denied.filter((d) =>
      JSON.stringify(Object.values(d)).toLowerCase().includes(agent.toLowerCase()),
    ).length;
    const input = report.page.getByLabel("Search denied requests");
    await input.fill(agent);
    await input.press("Enter");
    const status = await report.page
      .locator(".findings", { has: input })
      .locator(".table-status")
      .textContent();
    expect(status).toContain(`of ${expected.toLocaleString("en-US")}`);
  });

  it("links every reason and every criterion of the overview to a place on the page", async () => {
    const broken = await report.page.$$eval("a[href]", (links) =>
      links
        .map((a) => a.getAttribute("href") ?? "")
        .filter((href) => !document.getElementById(decodeURIComponent(href.slice(1)))),
    );
    expect(broken).toEqual([]);
  });

  it("weighs under 600 KB before its data", () => {
    expect(statSync(TEMPLATE_URL).size).toBeLessThan(600 * 1024);
  });

  it("writes a screenshot of each section for CI", async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const sections = await report.page.locator("main > header, main > section").all();
    const written: string[] = [];
    for (const [i, section] of sections.entries()) {
      const file = join(
        SCREENSHOTS,
        `sample-${String(i).padStart(2, "0")}-${await section.getAttribute("id")}.png`,
      );
      await section.screenshot({ path: file });
      written.push(file);
    }
    expect(sections.length).toBeGreaterThanOrEqual(7);
    for (const file of written) expect(readFileSync(file).length, file).toBeGreaterThan(1000);
  });
});
