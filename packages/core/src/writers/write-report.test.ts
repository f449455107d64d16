import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { verifyPackage } from "../package/verify-package.ts";
import { command, writeChain } from "../test-support/write-chain.ts";

const SAMPLE = fileURLToPath(new URL("../../../../examples/iddio-home/", import.meta.url));
const DATA_OPEN = '<script type="application/json" id="report-data">';

/** The data a report embeds, read back the way the page reads it. */
function embedded(html: string): { summary: any; documents: Record<string, any> } {
  const start = html.indexOf(DATA_OPEN) + DATA_OPEN.length;
  return JSON.parse(html.slice(start, html.indexOf("</script>", start)));
}

async function exportTo(
  source: string,
  format: "json" | "csv",
  extra: { report?: boolean; from?: string; to?: string } = {},
) {
  const output = join(mkdtempSync(join(tmpdir(), "write-report-")), "evidence");
  await exportEvidence({
    source,
    from: extra.from ?? "2026-02-01",
    to: extra.to ?? "2026-02-28",
    format,
    output,
    now: () => new Date("2026-04-02T00:00:00Z"),
    ...(extra.report === undefined ? {} : { report: extra.report }),
  });
  return output;
}

describe("report.html in an exported package", () => {
  it("embeds exactly the package's JSON documents and its summary, and is listed in the manifest", async () => {
    const dir = await exportTo(SAMPLE, "json");
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    const entry = summary.manifest.find((m: { file: string }) => m.file === "report.html");
    expect(entry).toMatchObject({ media_type: "text/html" });
    expect((await verifyPackage(dir)).ok).toBe(true);
    const data = embedded(readFileSync(join(dir, "report.html"), "utf8"));
    // The embedded summary is the written one without the report's own entry (it cannot hold its own digest).
    expect(data.summary).toEqual({
      ...summary,
      manifest: summary.manifest.filter((m: { file: string }) => m.file !== "report.html"),
    });
    for (const m of summary.manifest as { file: string }[]) {
      // checkpoint.json is state for the next export to resume from, not evidence for people.
      if (!m.file.endsWith(".json") || m.file === "checkpoint.json") continue;
      expect(data.documents[m.file.replace(/\.json$/, "")], m.file).toEqual(
        JSON.parse(readFileSync(join(dir, m.file), "utf8")),
      );
    }
  });

  it("is written for a CSV package too, with the same figures as its summary", async () => {
    const dir = await exportTo(SAMPLE, "csv");
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(summary.manifest.map((m: { file: string }) => m.file)).toContain("report.html");
    expect((await verifyPackage(dir)).ok).toBe(true);
    const data = embedded(readFileSync(join(dir, "report.html"), "utf8"));
    expect(data.summary.criteria).toEqual(summary.criteria);
    expect(Object.keys(data.documents).sort()).toEqual([
      "audit-log-integrity",
      "cc6.1-access-controls",
      "cc6.2-credential-lifecycle",
      "cc6.3-authorization-changes",
      "cc7.2-monitoring-evidence",
    ]);
  });

  it("is left out with report: false", async () => {
    const dir = await exportTo(SAMPLE, "json", { report: false });
    expect(readdirSync(dir)).not.toContain("report.html");
    expect((await verifyPackage(dir)).ok).toBe(true);
  });

  it("keeps hostile strings of spooled lists inside their script element, and reads them back unchanged", async () => {
    const hostile = "</script><script>alert(1)</script><!--\u2028\u2029&amp;";
    const home = writeChain([
      command({ timestamp: "2026-02-02T10:00:00Z", agent: hostile }),
      command({
        timestamp: "2026-02-02T10:00:01Z",
        agent: hostile,
        decision: "deny",
        tier: 2,
        path: hostile,
      }),
    ]);
    const dir = await exportTo(home, "json");
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain("<!--");
    expect(html).not.toMatch(/[\u2028\u2029]/);
    const data = embedded(html);
    expect(data.documents["cc6.1-access-controls"].denied_requests.items[0].path).toBe(hostile);
    expect(data.documents["cc6.1-access-controls"].agents[0].name).toBe(hostile);
  });
});
