import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isComplianceError } from "../errors/compliance-error.ts";
import { exportEvidence } from "../export/export-evidence.ts";
import { command, writeChain } from "../test-support/write-chain.ts";
import { readPolicyFile } from "./policy-file.ts";
import { readTokensFile, tokenFingerprint } from "./tokens-file.ts";

/** Process warnings emitted while a test runs (the `yaml` library prints these with the input line). */
const warnings: Error[] = [];
const onWarning = (warning: Error) => void warnings.push(warning);
beforeEach(() => {
  warnings.length = 0;
  process.on("warning", onWarning);
});
afterEach(() => {
  process.off("warning", onWarning);
});
/** Lets a warning emitted on the next tick arrive. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

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

  it("refuses an unknown YAML tag by file and line, printing no warning and quoting no token", async () => {
    const dir = home({ "tokens.yaml": "tokens:\n  - agent: bot\n    token: !weird iddio_s3cr3t\n" });
    let error: unknown;
    try {
      readTokensFile(dir);
    } catch (caught) {
      error = caught;
    }
    await settle();
    expect(warnings).toEqual([]);
    expect(isComplianceError(error) && error.code).toBe("INPUT_UNREADABLE");
    expect((error as Error).message).toMatch(/tokens\.yaml:3: unknown YAML tag$/);
    expect((error as Error).cause).toBeUndefined();
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

  it("refuses an unknown YAML tag by file and line without printing a warning", async () => {
    const dir = home({ "policy.yaml": "version: 1\ndefault: !maybe deny\n" });
    expect(() => readPolicyFile(dir)).toThrow(/policy\.yaml:2: unknown YAML tag: Unresolved tag: !maybe$/);
    await settle();
    expect(warnings).toEqual([]);
  });

  it("names the file and the key of an invalid decision", () => {
    const dir = home({ "policy.yaml": "agents:\n  bot:\n    rules:\n      - { tiers: { 0: maybe } }\n" });
    expect(() => readPolicyFile(dir)).toThrow(/policy\.yaml: agents\.bot\.rules\.0\.tiers\.0:/);
  });
});

describe("home entries that are not regular files", () => {
  /** A home with one session recording referenced by the log, and a valid proxy certificate. */
  function homeWithSession(): string {
    const dir = writeChain([
      command({ decision: "allow" }),
      {
        event: "session.recorded",
        timestamp: "2026-02-01T10:05:00Z",
        agent: "claude-code",
        session_id: "ses_1",
        type: "exec",
        bytes: 5,
        sha256: "0".repeat(64),
      },
    ]);
    mkdirSync(join(dir, "recordings", "exec"), { recursive: true });
    return dir;
  }
  const exportHome = (dir: string) =>
    exportEvidence({
      source: dir,
      from: "2026-02-01",
      to: "2026-02-28",
      format: "json",
      output: join(mkdtempSync(join(tmpdir(), "out-")), "evidence"),
      hashThreads: 0,
      mappingThread: false,
    });
  const cc72 = (output: string) =>
    JSON.parse(readFileSync(join(output, "cc7.2-monitoring-evidence.json"), "utf8")).session_recordings;

  const badCertificates: [string, (path: string) => void, RegExp][] = [
    [
      "a symbolic link to /dev/zero",
      (p) => symlinkSync("/dev/zero", p),
      /it is a character device, not a regular file/,
    ],
    [
      "a dangling symbolic link",
      (p) => symlinkSync(join(p, "..", "gone.crt"), p),
      /symbolic link to nothing/,
    ],
    ["a loop of symbolic links", (p) => symlinkSync(p, p), /loop of symbolic links/],
    ["a FIFO", (p) => execFileSync("mkfifo", [p]), /it is a FIFO, not a regular file/],
    ["a folder", (p) => mkdirSync(p), /it is a folder, not a regular file/],
    [
      "a 5 GiB file",
      (p) => {
        writeFileSync(p, "");
        truncateSync(p, 5 * 1024 ** 3); // sparse: no disk is used
      },
      /it is larger than the 4 MiB limit/,
    ],
  ];
  for (const [what, make, why] of badCertificates) {
    it(`refuses tls.crt that is ${what} with a coded error naming it`, async () => {
      const dir = homeWithSession();
      make(join(dir, "tls.crt"));
      const error = await exportHome(dir).catch((caught: unknown) => caught);
      expect(isComplianceError(error) && error.code).toBe("INPUT_UNREADABLE");
      expect((error as Error).message).toContain(join(dir, "tls.crt"));
      expect((error as Error).message).toMatch(why);
    });
  }

  const badRecordings: [string, (path: string) => void][] = [
    ["a symbolic link to /dev/zero", (p) => symlinkSync("/dev/zero", p)],
    ["a dangling symbolic link", (p) => symlinkSync(join(p, "..", "gone.cast"), p)],
    ["a loop of symbolic links", (p) => symlinkSync(p, p)],
    ["a FIFO", (p) => execFileSync("mkfifo", [p])],
  ];
  for (const [what, make] of badRecordings) {
    it(`lists a session whose recording is ${what} as missing, and exports`, async () => {
      const dir = homeWithSession();
      make(join(dir, "recordings", "exec", "ses_1.cast"));
      const result = await exportHome(dir);
      expect(cc72(result.dir)).toMatchObject({ exec_sessions: 1, missing: ["ses_1"], digest_mismatches: [] });
    });
  }

  it("hashes a recording reached through a symbolic link to a regular file", async () => {
    const dir = homeWithSession();
    const target = join(dir, "elsewhere.cast");
    writeFileSync(target, "hello");
    symlinkSync(target, join(dir, "recordings", "exec", "ses_1.cast"));
    const result = await exportHome(dir);
    // The log names another digest: the file is read (so it is altered), not missing.
    expect(cc72(result.dir)).toMatchObject({ missing: [], digest_mismatches: ["ses_1"] });
  });

  it("refuses an audit log entry that is a dangling symbolic link, naming it", async () => {
    const dir = homeWithSession();
    symlinkSync(join(dir, "gone.jsonl"), join(dir, "audit-1.jsonl"));
    const error = await exportHome(dir).catch((caught: unknown) => caught);
    expect(isComplianceError(error) && error.code).toBe("INPUT_UNREADABLE");
    expect((error as Error).message).toContain(join(dir, "audit-1.jsonl"));
  });
});
