import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exportArgs, REPO_ROOT, runCli } from "../test-support/run-cli.ts";

const SAMPLE = join(REPO_ROOT, "examples/iddio-home");
const work = mkdtempSync(join(tmpdir(), "cli-report-"));
let dir: string;

beforeAll(async () => {
  dir = join(work, "evidence");
  const run = await runCli(exportArgs(SAMPLE, dir, "2026-01-01", "2026-03-31"));
  expect(run.code, run.stderr).toBe(0);
}, 300_000);

describe("iddio-compliance report DIR --pdf FILE", () => {
  it("prints one section per criterion, each starting a page, with page numbers", async () => {
    const pdf = join(work, "report.pdf");
    const run = await runCli(["report", dir, "--pdf", pdf]);
    expect(run.code, run.stderr).toBe(0);
    const pages = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString().split("\f");
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    const starts = summary.criteria.map((c: { criterion: string; title: string }) =>
      pages.findIndex((page) => page.trimStart().startsWith(`${c.criterion} — ${c.title}`)),
    );
    for (const [i, start] of starts.entries())
      expect(start, summary.criteria[i].criterion).toBeGreaterThan(0);
    expect(new Set(starts).size).toBe(summary.criteria.length);
    const last = pages.filter((p) => p.trim() !== "").length;
    expect(pages.join("")).toContain(`Page 1 of ${last}`);
  });

  it("names the way out when Chromium is not installed", async () => {
    const run = await runCli([
      "report",
      dir,
      "--pdf",
      join(work, "none.pdf"),
      "--chromium",
      join(work, "no-chromium"),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("apt-get install chromium");
    expect(run.stderr).toContain("Save as PDF");
    expect(existsSync(join(work, "none.pdf"))).toBe(false);
  });

  it("refuses to print a package whose report was changed", async () => {
    const tampered = join(work, "tampered");
    expect((await runCli(exportArgs(SAMPLE, tampered))).code).toBe(0);
    const html = join(tampered, "report.html");
    writeFileSync(html, readFileSync(html, "utf8").replace("Evidence report", "Evidence rep0rt"));
    const run = await runCli(["report", tampered, "--pdf", join(work, "tampered.pdf")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("report.html: digest mismatch");
    expect(existsSync(join(work, "tampered.pdf"))).toBe(false);
  });

  it("explains a package exported with --no-report", async () => {
    const bare = join(work, "bare");
    expect((await runCli([...exportArgs(SAMPLE, bare), "--no-report"])).code).toBe(0);
    expect(existsSync(join(bare, "report.html"))).toBe(false);
    const run = await runCli(["report", bare, "--pdf", join(work, "bare.pdf")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no report.html");
  });
});
