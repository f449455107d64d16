import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeEvidencePackage } from "../testing/write-evidence-package.ts";
import { criterionOfFile } from "./criterion-of-file.ts";
import { assertPackageIntact, loadEvidencePackage, sha256Hex } from "./load-evidence-package.ts";

describe("loadEvidencePackage", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "load-package-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("returns every manifest file with bytes, size, digest and criterion, and summary.json last", async () => {
    const pkg = await loadEvidencePackage(await writeEvidencePackage(join(root, "json")));
    expect(pkg.files.map((file) => [file.name, file.criterion])).toEqual([
      ["cc6.1-access-controls.json", "CC6.1"],
      ["cc6.2-credential-lifecycle.json", "CC6.2"],
      ["cc6.3-authorization-changes.json", "CC6.3"],
      ["cc7.2-monitoring-evidence.json", "CC7.2"],
      ["audit-log-integrity.json", "integrity"],
      ["summary.json", "summary"],
    ]);
    for (const file of pkg.files) expect(file.sha256).toBe(sha256Hex(file.bytes));
    expect(pkg.sha256).toBe(pkg.files.at(-1)?.sha256);
    expect(pkg.summary.period).toEqual({
      from: "2026-01-01",
      to: "2026-03-31",
      time_zone: "UTC",
      incomplete: false,
    });
  });

  it("maps CSV list files to their criterion", async () => {
    const pkg = await loadEvidencePackage(await writeEvidencePackage(join(root, "csv"), { format: "csv" }));
    const byName = Object.fromEntries(pkg.files.map((file) => [file.name, [file.criterion, file.mediaType]]));
    expect(byName["cc6.1-denied-requests.csv"]).toEqual(["CC6.1", "text/csv"]);
    expect(byName["cc6.3-policy-changes.csv"]).toEqual(["CC6.3", "text/csv"]);
    expect(byName["summary.csv"]).toEqual(["summary", "text/csv"]);
  });

  it("names a file whose digest does not match the manifest", async () => {
    const dir = await writeEvidencePackage(join(root, "digest"));
    const path = join(dir, "cc6.3-authorization-changes.json");
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace('"CC6.3"', '"CC6.9"'));
    await expect(loadEvidencePackage(dir)).rejects.toMatchObject({
      code: "CONNECTOR_PACKAGE_INVALID",
      message: expect.stringContaining('"cc6.3-authorization-changes.json" has SHA-256'),
    });
  });

  it("names a file whose size does not match and a file that is missing", async () => {
    const dir = await writeEvidencePackage(join(root, "size"));
    await writeFile(join(dir, "cc7.2-monitoring-evidence.json"), "{}");
    await expect(loadEvidencePackage(dir)).rejects.toThrow(
      /"cc7.2-monitoring-evidence.json" has 2 bytes but the manifest says \d+/,
    );
    await rm(join(dir, "cc7.2-monitoring-evidence.json"));
    await expect(loadEvidencePackage(dir)).rejects.toThrow(/"cc7.2-monitoring-evidence.json" is missing/);
  });

  it("rejects a summary that fails the schema, naming the key, and a manifest path outside the package", async () => {
    const dir = await writeEvidencePackage(join(root, "schema"));
    const summary = JSON.parse(await readFile(join(dir, "summary.json"), "utf8"));
    await writeFile(
      join(dir, "summary.json"),
      JSON.stringify({ ...summary, period: { from: "yesterday", to: "2026-03-31", time_zone: "UTC" } }),
    );
    await expect(loadEvidencePackage(dir)).rejects.toThrow(/"summary.json" is invalid at "period.from"/);
    summary.manifest[0].file = "../../etc/passwd";
    await writeFile(join(dir, "summary.json"), JSON.stringify(summary));
    await expect(loadEvidencePackage(dir)).rejects.toThrow(/not a file name inside the package/);
    await expect(loadEvidencePackage(join(root, "nowhere"))).rejects.toThrow(/"summary.json" is missing/);
  });

  it("refuses a folder holding a file its manifest does not list, as verify-package does", async () => {
    const dir = await writeEvidencePackage(join(root, "unlisted"));
    await writeFile(join(dir, "notes.txt"), "added after export");
    await expect(loadEvidencePackage(dir)).rejects.toMatchObject({
      code: "CONNECTOR_PACKAGE_INVALID",
      message: expect.stringContaining('"notes.txt" is not listed in the manifest'),
    });
  });

  it("detects bytes changed after loading", async () => {
    const pkg = await loadEvidencePackage(await writeEvidencePackage(join(root, "later")));
    await expect(assertPackageIntact(pkg)).resolves.toBeUndefined();
    const first = pkg.files[0];
    if (first) first.bytes[0] = 0;
    await expect(assertPackageIntact(pkg)).rejects.toThrow(/"cc6.1-access-controls.json" has SHA-256/);
  });
});

describe("criterionOfFile", () => {
  it("maps criterion files, list files, the summary and the integrity file", () => {
    expect(criterionOfFile("cc6.1-access-controls.json")).toBe("CC6.1");
    expect(criterionOfFile("cc6.2-credentials.csv")).toBe("CC6.2");
    expect(criterionOfFile("cc6.3-approvals.csv")).toBe("CC6.3");
    expect(criterionOfFile("cc7.2-monitoring-evidence.csv")).toBe("CC7.2");
    expect(criterionOfFile("summary.json")).toBe("summary");
    expect(criterionOfFile("audit-log-integrity.csv")).toBe("integrity");
    expect(criterionOfFile("notes.txt")).toBeUndefined();
  });
});
