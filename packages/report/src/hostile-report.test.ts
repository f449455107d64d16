import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowser, type OpenedReport, openReport } from "./test-support/open-report.ts";
import { exportPackage, HOSTILE, hostileHome, packageData, reportOf } from "./test-support/packages.ts";

let report: OpenedReport;
let data: ReturnType<typeof packageData>;

beforeAll(async () => {
  const dir = exportPackage(hostileHome(), join(mkdtempSync(join(tmpdir(), "report-hostile-")), "evidence"));
  data = packageData(dir);
  report = await openReport(reportOf(dir));
}, 300_000);
afterAll(closeBrowser);

describe("report.html of a home whose names are hostile", () => {
  it("draws without an error, a dialog or a request", () => {
    expect(report.errors).toEqual([]);
    expect(report.dialogs).toEqual([]);
    expect(report.requests).toEqual([report.url]);
  });

  it("creates no element from the data: only its own two scripts and no image, SVG handler or iframe", async () => {
    const counts = await report.page.evaluate(() => ({
      scripts: document.querySelectorAll("script").length,
      images: document.querySelectorAll("img, iframe, object, embed").length,
      handlers: Array.from(document.querySelectorAll("*")).filter((el) =>
        Array.from(el.attributes).some((a) => a.name.startsWith("on")),
      ).length,
    }));
    expect(counts).toEqual({ scripts: 2, images: 0, handlers: 0 });
  });

  it("shows every hostile agent name as the exact text the log holds", async () => {
    const agents = (data.documents["cc6.1-access-controls"].agents as { name: string }[]).map((a) => a.name);
    expect(agents.sort()).toEqual(Object.values(HOSTILE).sort());
    const text = await report.page.evaluate(() => document.body.textContent ?? "");
    for (const name of agents) expect(text, name).toContain(name);
  });

  it("shows hostile paths and namespaces in the findings tables as text", async () => {
    const cells = await report.page.$$eval("table.data td", (tds) => tds.map((td) => td.textContent));
    expect(cells).toContain(HOSTILE.comment);
    expect(cells).toContain(HOSTILE.formula);
  });
});
