import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowser, type OpenedReport, openReport } from "./test-support/open-report.ts";
import { exportPackage, reportOf, SAMPLE_HOME } from "./test-support/packages.ts";

let dir: string;
let report: OpenedReport;
const work = mkdtempSync(join(tmpdir(), "report-verify-"));

beforeAll(async () => {
  dir = exportPackage(SAMPLE_HOME, join(work, "evidence"), "2026-02-01", "2026-02-28");
  report = await openReport(reportOf(dir));
}, 300_000);
afterAll(async () => {
  await closeBrowser();
  rmSync(work, { recursive: true, force: true });
});

/** A copy of the package to alter. */
function copy(name: string): string {
  const target = join(work, name);
  cpSync(dir, target, { recursive: true });
  return target;
}

/** Chooses every file of `folder` in the panel (with `key` pasted first) and returns its verdict. */
async function check(folder: string, key = "") {
  const { page } = report;
  // A fresh page each time: the panel keeps the files it was given last.
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  await page.locator("#verify-key").fill(key);
  await page.setInputFiles(
    "#verify-files",
    readdirSync(folder).map((f) => join(folder, f)),
  );
  await page.waitForSelector("#verify-output [data-verdict]");
  return page.evaluate(() => ({
    verdict: document.querySelector<HTMLElement>("[data-verdict]")?.dataset.verdict,
    text: document.querySelector("[data-verdict]")?.textContent ?? "",
    signature: document.querySelector<HTMLElement>("[data-signature]")?.dataset.signature,
    rows: Array.from(document.querySelectorAll<HTMLElement>("#verify-results tr[data-file]"), (tr) => [
      tr.dataset.file,
      tr.dataset.result,
    ]),
  }));
}

describe("the verification panel", () => {
  it("passes an intact package, file by file", async () => {
    const result = await check(dir);
    expect(result.verdict).toBe("intact");
    const manifest = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).manifest as {
      file: string;
    }[];
    expect(result.rows).toEqual(manifest.map((m) => [m.file, "match"]));
    expect(result.signature).toBe("absent");
  });

  it("names the file whose bytes were altered, even with its size unchanged", async () => {
    const tampered = copy("tampered");
    const file = join(tampered, "cc6.1-access-controls.json");
    const text = readFileSync(file, "utf8");
    writeFileSync(
      file,
      text
        .replace('"status": "ok"', '"status": "OK"')
        .replace('"status": "attention"', '"status": "ATTENTION"'),
    );
    const result = await check(tampered);
    expect(result.verdict).toBe("not-intact");
    expect(result.text).toContain("cc6.1-access-controls.json");
    expect(result.rows).toContainEqual(["cc6.1-access-controls.json", "digest_mismatch"]);
    expect(result.rows.filter(([, r]) => r !== "match")).toHaveLength(1);
  });

  it("names a missing file and a file the manifest does not list", async () => {
    const altered = copy("altered");
    rmSync(join(altered, "cc6.2-credential-lifecycle.json"));
    writeFileSync(join(altered, "extra.json"), "{}");
    const result = await check(altered);
    expect(result.verdict).toBe("not-intact");
    expect(result.rows).toContainEqual(["cc6.2-credential-lifecycle.json", "missing"]);
    expect(result.rows).toContainEqual(["extra.json", "not_in_manifest"]);
  });

  it("checks the Ed25519 signature of summary.json with a pasted public key, and refuses another key", async () => {
    const signed = copy("signed");
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    // A signed package's summary names its key (as `export --sign` writes it); then the signature.
    const keyId = createHash("sha256")
      .update(publicKey.export({ type: "spki", format: "der" }))
      .digest("hex");
    const summary = JSON.parse(readFileSync(join(signed, "summary.json"), "utf8"));
    writeFileSync(
      join(signed, "summary.json"),
      `${JSON.stringify({ ...summary, signing: { algorithm: "ed25519", key_id: keyId } }, null, 2)}\n`,
    );
    writeFileSync(
      join(signed, "summary.json.sig"),
      sign(null, readFileSync(join(signed, "summary.json")), privateKey),
    );
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const good = await check(signed, pem);
    expect(good).toMatchObject({ verdict: "intact", signature: "valid" });
    const other = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    const bad = await check(signed, other);
    expect(bad).toMatchObject({ verdict: "not-intact", signature: "invalid" });
  });
});
