import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { readPrivateKey, readPublicKey, writeSigningKeys } from "./signing.ts";
import { verifyPackage } from "./verify-package.ts";

const SAMPLE = fileURLToPath(new URL("../../../../examples/iddio-home/", import.meta.url));
let exported: string;
let keyDir: string;
let otherKeyDir: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "verify-package-"));
  exported = join(root, "evidence");
  keyDir = join(root, "keys");
  otherKeyDir = join(root, "other-keys");
  writeSigningKeys(keyDir);
  writeSigningKeys(otherKeyDir);
  await exportEvidence({
    source: SAMPLE,
    from: "2026-02-01",
    to: "2026-02-28",
    format: "json",
    output: exported,
    sign: readPrivateKey(join(keyDir, "signing-key.pem"), "--sign"),
    now: () => new Date("2026-04-02T00:00:00Z"),
  });
}, 120_000);

/** A fresh copy of the exported package to tamper with. */
function copy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "tamper-")), "pkg");
  cpSync(exported, dir, { recursive: true });
  return dir;
}
const pub = (dir: string) => readPublicKey(join(dir, "signing-key.pub.pem"), "--key");
const editJson = (path: string, edit: (json: any) => void) => {
  const json = JSON.parse(readFileSync(path, "utf8"));
  edit(json);
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
};

describe("verifyPackage", () => {
  it("passes a package as exported and signed, checking its meaning and its signature", async () => {
    const verdict = await verifyPackage(exported, { publicKey: pub(keyDir) });
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.meaning).toBe("checked");
    expect(verdict.signature.status).toBe("valid");
  });

  it("reports an edited status with the field that differs and what the criterion file says", async () => {
    const dir = copy();
    const path = join(dir, "summary.json");
    const before = JSON.parse(readFileSync(path, "utf8"));
    const index = 2;
    const was = before.criteria[index].status;
    const forged = was === "ok" ? "attention" : "ok";
    editJson(path, (s) => {
      s.criteria[index].status = forged;
    });
    const verdict = await verifyPackage(dir);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContainEqual({
      file: "summary.json",
      problem: "meaning_mismatch",
      field: `/criteria/${index}/status`,
      source: `${before.criteria[index].file}#/status`,
      expected: JSON.stringify(was),
      actual: JSON.stringify(forged),
    });
  });

  it("reports an edited headline figure, an edited integrity verdict and a removed Merkle root", async () => {
    const dir = copy();
    editJson(join(dir, "summary.json"), (s) => {
      s.criteria[0].headline.denied_requests += 1;
      s.integrity.verified = !s.integrity.verified;
      s.merkle = null;
    });
    const fields = (await verifyPackage(dir)).problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining(["/criteria/0/headline/denied_requests", "/integrity/verified", "/merkle"]),
    );
  });

  it("reports a removed file as missing and an added file as not in the manifest", async () => {
    const dir = copy();
    rmSync(join(dir, "cc6.2-credential-lifecycle.json"));
    writeFileSync(join(dir, "notes.txt"), "added later");
    const problems = (await verifyPackage(dir)).problems.map((p) => `${p.file}: ${p.problem}`);
    expect(problems).toEqual(["cc6.2-credential-lifecycle.json: missing", "notes.txt: not_in_manifest"]);
  });

  it("reports an edited criterion file by its digest, not again by its meaning", async () => {
    const dir = copy();
    editJson(join(dir, "cc6.1-access-controls.json"), (d) => {
      d.status = "fail";
    });
    const problems = (await verifyPackage(dir)).problems.map((p) => `${p.file}: ${p.problem}`);
    expect(problems).toEqual(["cc6.1-access-controls.json: size_mismatch"]);
  });

  it("rejects the signature against another key, naming both key ids", async () => {
    const verdict = await verifyPackage(exported, { publicKey: pub(otherKeyDir) });
    expect(verdict.signature.status).toBe("invalid");
    expect(verdict.problems.map((p) => p.problem)).toEqual(["key_mismatch", "signature_invalid"]);
    expect(verdict.problems[0]?.actual).toBe(verdict.summary.signing?.key_id);
  });

  it("rejects the signature of a summary edited after signing, even with consistent figures", async () => {
    const dir = copy();
    editJson(join(dir, "summary.json"), (s) => {
      s.generated_at = "2026-04-03T00:00:00.000Z";
    });
    const verdict = await verifyPackage(dir, { publicKey: pub(keyDir) });
    expect(verdict.problems.map((p) => p.problem)).toEqual(["signature_invalid"]);
  });

  it("reports a removed signature as missing, with or without a key", async () => {
    const dir = copy();
    rmSync(join(dir, "summary.json.sig"));
    expect((await verifyPackage(dir)).problems.map((p) => p.problem)).toEqual(["signature_missing"]);
    expect((await verifyPackage(dir, { publicKey: pub(keyDir) })).problems.map((p) => p.problem)).toEqual([
      "signature_missing",
    ]);
  });

  it("says a signature was not checked when no key is given", async () => {
    const verdict = await verifyPackage(exported);
    expect(verdict.ok).toBe(true);
    expect(verdict.signature.status).toBe("not_checked");
  });
});
