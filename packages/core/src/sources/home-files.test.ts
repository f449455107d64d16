import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPolicyFile } from "./policy-file.ts";
import { readTokensFile, tokenFingerprint } from "./tokens-file.ts";

const home = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), "home-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};

describe("readTokensFile", () => {
  it("keeps only sha256 fingerprints of the token values", () => {
    const tokens = readTokensFile(
      home({
        "tokens.yaml": "tokens:\n  - { agent: bot, token: iddio_s3cr3t, created_at: 2026-01-01T00:00:00Z }\n",
      }),
    );
    expect(tokens).toEqual([
      { agent: "bot", fingerprint: tokenFingerprint("iddio_s3cr3t"), created_at: "2026-01-01T00:00:00Z" },
    ]);
    expect(JSON.stringify(tokens)).not.toContain("iddio_s3cr3t");
  });

  it("names the file and line of broken YAML without quoting a token", () => {
    const dir = home({ "tokens.yaml": "tokens:\n  - agent: bot\n    token: iddio_s3cr3t: oops\n" });
    expect(() => readTokensFile(dir)).toThrow(/tokens\.yaml:3: invalid YAML$/);
    try {
      readTokensFile(dir);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("iddio_s3cr3t");
      expect((error as Error).cause).toBeUndefined();
    }
  });

  it("names the key of a wrongly shaped entry without quoting its value", () => {
    const dir = home({ "tokens.yaml": "tokens:\n  - { agent: bot, token: 12345678 }\n" });
    expect(() => readTokensFile(dir)).toThrow(/tokens\.yaml: tokens\.0\.token: expected string/);
  });

  it("returns null when there is no tokens.yaml", () => {
    expect(readTokensFile(home({}))).toBeNull();
  });
});

describe("readPolicyFile", () => {
  it("reads the version and hashes the file bytes", () => {
    const text =
      "version: 7\ndefault: deny\nagents:\n  bot:\n    rules:\n      - { namespaces: ['*'], tiers: { 0: allow } }\n";
    const policy = readPolicyFile(home({ "policy.yaml": text }));
    expect(policy?.version).toBe("7");
    expect(policy?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names the file and the key of an invalid decision", () => {
    const dir = home({ "policy.yaml": "agents:\n  bot:\n    rules:\n      - { tiers: { 0: maybe } }\n" });
    expect(() => readPolicyFile(dir)).toThrow(/policy\.yaml: agents\.bot\.rules\.0\.tiers\.0:/);
  });
});
