import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { exportArgs, REPO_ROOT, runCli } from "../test-support/run-cli.ts";

// The auditor's workflow through the real CLI: keygen, signed and linked monthly exports,
// verify-package (with openssl and sha256sum alone too), verify-series, draw and a sample check.

const SAMPLE = join(REPO_ROOT, "examples/iddio-home");
const OPENSSL_CHECK = join(REPO_ROOT, "scripts/verify-with-openssl.sh");
const INCLUSION_CHECK = join(REPO_ROOT, "scripts/verify-inclusion.sh");
const MONTHS = [
  ["2026-01-01", "2026-01-31"],
  ["2026-02-01", "2026-02-28"],
  ["2026-03-01", "2026-03-31"],
] as const;

let root: string;
let keys: string;
let months: string[];
const pub = () => join(keys, "signing-key.pub.pem");
const priv = () => join(keys, "signing-key.pem");

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "auditor-"));
  keys = join(root, "keys");
  const k = await runCli(["keygen", "--output", keys]);
  expect(k.code, k.stderr).toBe(0);
  months = [];
  for (const [i, [from, to]] of MONTHS.entries()) {
    const out = join(root, `${from}_${to}`);
    const previous = i > 0 ? ["--previous", months[i - 1] as string] : [];
    const r = await runCli([...exportArgs(SAMPLE, out, from, to), "--sign", priv(), ...previous]);
    expect(r.code, r.stderr).toBe(0);
    months.push(out);
  }
}, 180_000);

describe("iddio-compliance keygen", () => {
  it("writes a private key only its owner can read, prints the key id openssl computes, and never overwrites", async () => {
    expect(statSync(priv()).mode & 0o777).toBe(0o600);
    const der = spawnSync("openssl", ["pkey", "-pubin", "-in", pub(), "-outform", "DER"]);
    const id = spawnSync("sha256sum", { input: der.stdout }).stdout.toString().split(" ")[0];
    const summary = JSON.parse(readFileSync(join(months[0] as string, "summary.json"), "utf8"));
    expect(summary.signing).toEqual({ algorithm: "ed25519", key_id: id });
    const again = await runCli(["keygen", "--output", keys]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
  });
});

describe("iddio-compliance export --sign --previous", () => {
  it("prints the Merkle root, the link and the key id", async () => {
    const out = join(root, "feb-again");
    const r = await runCli([...exportArgs(SAMPLE, out), "--sign", priv(), "--previous", months[0] as string]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Merkle root: [0-9a-f]{64} over [\d,]+ events/);
    expect(r.stdout).toContain("Follows: 2026-01-01 … 2026-01-31");
    expect(r.stdout).toMatch(/Signed: Ed25519, key id [0-9a-f]{64}/);
  });

  it("refuses a --previous package that does not end the day before, naming the flag", async () => {
    const r = await runCli([
      ...exportArgs(SAMPLE, join(root, "x"), "2026-03-01", "2026-03-31"),
      "--previous",
      months[0] as string,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--previous: the previous package covers 2026-01-01..2026-01-31");
  });

  it("names --sign and never prints key material when the key is unusable", async () => {
    const bad = join(root, "bad.pem");
    const pem = readFileSync(priv(), "utf8");
    writeFileSync(bad, pem.replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\nAAAA"));
    const r = await runCli([...exportArgs(SAMPLE, join(root, "y")), "--sign", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--sign: not a private key in PEM form");
    expect(r.stderr).not.toContain(pem.split("\n")[1]?.slice(0, 16));
  });
});

describe("iddio-compliance verify-package --key", () => {
  it("passes a signed package and says what it checked", async () => {
    const r = await runCli(["verify-package", months[1] as string, "--key", pub()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("intact: 8 files match");
    expect(r.stdout).toContain("meaning: the summary's statuses");
    expect(r.stdout).toMatch(/signature: valid, by key [0-9a-f]{64}/);
  });

  it("passes the same check with openssl, sha256sum and awk alone", () => {
    const r = spawnSync("bash", [OPENSSL_CHECK, months[1] as string, pub()]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stdout.toString()).toContain("Signature Verified Successfully");
  });

  it("exits 1 on a summary whose status was edited, naming the field, and openssl rejects it too", async () => {
    const dir = join(root, "tampered");
    cpSync(months[1] as string, dir, { recursive: true });
    const path = join(dir, "summary.json");
    const summary = readFileSync(path, "utf8");
    const forged = summary.replace(/"status": "(attention|fail)"/, '"status": "ok"');
    expect(forged).not.toBe(summary);
    writeFileSync(path, forged);
    const r = await runCli(["verify-package", dir, "--key", pub()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /summary\.json \/criteria\/\d\/status: "ok", but cc[\d.]+-[a-z-]+\.json#\/status says "(attention|fail)"/,
    );
    expect(r.stdout).toContain("signature: INVALID");
    expect(spawnSync("bash", [OPENSSL_CHECK, dir, pub()]).status).not.toBe(0);
    rmSync(dir, { recursive: true });
  });

  it("exits 1 against another key", async () => {
    const other = join(root, "other-keys");
    await runCli(["keygen", "--output", other]);
    const r = await runCli([
      "verify-package",
      months[1] as string,
      "--key",
      join(other, "signing-key.pub.pem"),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("key mismatch");
  });
});

describe("iddio-compliance verify-series", () => {
  it("passes three linked months and reports a missing one with exit 1", async () => {
    const ok = await runCli(["verify-series", ...months, "--key", pub()]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain("series holds: 3 package(s)");
    const gap = await runCli(["verify-series", months[0] as string, months[2] as string, "--key", pub()]);
    expect(gap.code).toBe(1);
    expect(gap.stdout).toContain("gap: no package covers 2026-02-01..2026-02-28");
  });

  it("takes a folder that holds packages, as a path or a file:// URL, and refuses other storage URLs", async () => {
    for (const where of [root, pathToFileURL(root).href]) {
      const r = await runCli(["verify-series", where, "--key", pub()]);
      // The folder also holds this file's other packages (feb-again duplicates February).
      expect(r.stdout).toContain("duplicate:");
      expect(r.stdout).toContain("2026-02-01..2026-02-28");
    }
    const s3 = await runCli(["verify-series", "s3://bucket/evidence/"]);
    expect(s3.code).toBe(2);
    expect(s3.stderr).toContain("copy them out of that storage first");
  });

  it("warns that signatures were not checked without --key", async () => {
    const r = await runCli(["verify-series", ...months]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("signatures: NOT CHECKED (pass --key)");
  });
});

describe("iddio-compliance draw and verify-package --sample", () => {
  it("draws a sample that verify-package checks, and rejects one with a wrong seed", async () => {
    const file = join(root, "sample.json");
    const d = await runCli([
      "draw",
      months[1] as string,
      "--source",
      SAMPLE,
      "--population",
      "denied_requests",
      "--size",
      "5",
      "--seed",
      "fy2026",
      "--output",
      file,
    ]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/drew 5 of \d+ denied_requests/);
    expect(readFileSync(join(root, "sample.csv"), "utf8")).toMatch(/^draw,position,event_index/);
    // One item by hand, with openssl and bash alone (the docs' script).
    const drawn = JSON.parse(readFileSync(file, "utf8"));
    const merkle = JSON.parse(readFileSync(join(months[1] as string, "summary.json"), "utf8")).merkle;
    const item = drawn.items[0];
    writeFileSync(join(root, "line.txt"), item.log_line);
    const byHand = (proof: string[]) =>
      spawnSync("bash", [
        INCLUSION_CHECK,
        merkle.root,
        String(merkle.size),
        String(item.leaf_index),
        join(root, "line.txt"),
        ...proof,
      ]);
    const good = byHand(item.proof);
    expect(good.status, good.stderr.toString()).toBe(0);
    expect(byHand([...item.proof].reverse()).status).not.toBe(0);
    const ok = await runCli(["verify-package", months[1] as string, "--key", pub(), "--sample", file]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain("sample: 5 item(s) of denied_requests hold");
    const sample = JSON.parse(readFileSync(file, "utf8"));
    sample.sample.seed = "fy2027";
    writeFileSync(file, JSON.stringify(sample));
    const bad = await runCli(["verify-package", months[1] as string, "--sample", file]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('is not the one seed "fy2027" gives');
  });

  it("names the flag of an unknown population or a bad size", async () => {
    const base = [
      "draw",
      months[1] as string,
      "--source",
      SAMPLE,
      "--seed",
      "s",
      "--output",
      join(root, "s.json"),
    ];
    const p = await runCli([...base, "--population", "everything", "--size", "3"]);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('--population: unknown population "everything"');
    const n = await runCli([...base, "--population", "events", "--size", "three"]);
    expect(n.code).toBe(2);
    expect(n.stderr).toContain('--size: "three"');
  });

  it("has --help for keygen, verify-series and draw", async () => {
    for (const command of ["keygen", "verify-series", "draw"]) {
      const r = await runCli([command, "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(/^Usage: iddio-compliance/);
    }
  });
});
