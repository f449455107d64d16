import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EVIDENCE_FILES } from "@iddio-compliance/schema";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { exportArgs, GO_FIXTURES, runCli } from "./test-support/run-cli.ts";

const GO_CHAIN = join(GO_FIXTURES, "chain.jsonl");
const tmp = () => mkdtempSync(join(tmpdir(), "cli-"));

describe("iddio-compliance export", () => {
  it("writes the six JSON files, each valid against its schema, and report.html, and prints a summary", async () => {
    const out = join(tmp(), "evidence");
    const r = await runCli(exportArgs(GO_CHAIN, out, "2026-02-08", "2026-02-08"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...Object.keys(EVIDENCE_FILES), "report.html"].sort());
    for (const [file, schema] of Object.entries(EVIDENCE_FILES)) {
      const parsed = schema.safeParse(JSON.parse(readFileSync(join(out, file), "utf8")));
      expect(parsed.success, `${file}: ${parsed.error?.message}`).toBe(true);
    }
    expect(r.stdout).toContain("CC6.1");
    expect(r.stdout).toContain("Hash chain: verified");
  });

  it("writes the CSV set with the list files and a summary.json manifest", async () => {
    const out = join(tmp(), "evidence");
    const r = await runCli([...exportArgs(GO_CHAIN, out), "--format", "csv"]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "audit-log-findings.csv",
      "audit-log-integrity.csv",
      "cc6.1-access-controls.csv",
      "cc6.1-denied-requests.csv",
      "cc6.1-policy.csv",
      "cc6.2-credential-lifecycle.csv",
      "cc6.2-credentials.csv",
      "cc6.2-findings.csv",
      "cc6.3-approvals.csv",
      "cc6.3-authorization-changes.csv",
      "cc6.3-break-glass.csv",
      "cc6.3-policy-changes.csv",
      "cc6.3-tier-model.csv",
      "cc6.3-unresolved-escalations.csv",
      "cc7.2-daily-activity.csv",
      "cc7.2-monitoring-evidence.csv",
      "cc7.2-recording-problems.csv",
      "cc7.2-silent-periods.csv",
      "checkpoint.json",
      "reasons.csv",
      "report.html",
      "summary.csv",
      "summary.json",
    ]);
    const agents = parseCsv(readFileSync(join(out, "cc6.1-access-controls.csv")), {
      columns: true,
    }) as Record<string, string>[];
    expect(agents.map((a) => a.agent)).toContain("ops <bot> & co");
  });

  it("is deterministic: the same input gives byte-identical files except generated_at", async () => {
    const a = join(tmp(), "a");
    const b = join(tmp(), "b");
    for (const out of [a, b]) await runCli(exportArgs(GO_CHAIN, out));
    for (const file of readdirSync(a)) {
      // report.html embeds summary.json, whose manifest digests cover the verified_at of the integrity file.
      const varying =
        file === "report.html"
          ? /"(generated_at|verified_at|sha256|bytes)": ("[^"]*"|\d+)/g
          : /"(generated_at|verified_at)": "[^"]*"/g;
      const strip = (dir: string) => readFileSync(join(dir, file), "utf8").replace(varying, "");
      if (file !== "summary.json") expect(strip(b), file).toBe(strip(a));
    }
  });

  it("exits 1 and still writes evidence when the chain does not verify", async () => {
    const out = join(tmp(), "evidence");
    const r = await runCli(exportArgs(join(GO_FIXTURES, "tampered-edit.jsonl"), out));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("NOT VERIFIED");
    const cc72 = JSON.parse(readFileSync(join(out, "cc7.2-monitoring-evidence.json"), "utf8"));
    expect(cc72.audit_log.hash_chain_verified).toBe(false);
    expect(cc72.status).toBe("fail");
  });

  const bad: [string, string[], RegExp][] = [
    ["a nonexistent source", ["--source", "/nope/iddio"], /"\/nope\/iddio" does not exist/],
    [
      "--from after --to",
      ["--from", "2026-03-01", "--to", "2026-02-01"],
      /--from 2026-03-01 is after --to 2026-02-01/,
    ],
    ["an invalid date", ["--from", "2026-02-30"], /--from: "2026-02-30" is not a valid date/],
    ["an unknown format", ["--format", "xml"], /--format: unknown format "xml"/],
    ["an unknown time zone", ["--tz", "Mars/Olympus"], /--tz: unknown time zone "Mars\/Olympus"/],
    ["an unknown flag", ["--frm", "2026-01-01"], /Unknown option '--frm'/],
  ];
  for (const [what, flags, message] of bad) {
    it(`exits 2 with a message naming ${what}, and writes nothing`, async () => {
      const out = join(tmp(), "evidence");
      const base: Record<string, string> = {
        "--source": GO_CHAIN,
        "--from": "2026-02-01",
        "--to": "2026-02-28",
        "--output": out,
      };
      for (let i = 0; i < flags.length; i += 2) base[flags[i] as string] = flags[i + 1] as string;
      if (flags[0] === "--frm") delete base["--from"];
      const argv = ["export", ...Object.entries(base).flat()];
      if (flags[0] === "--frm") argv.push("--frm", "2026-01-01");
      const r = await runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("draws a progress bar on stderr only when it is a terminal, and clears it before the summary", async () => {
    const args = (out: string) => exportArgs(GO_CHAIN, out);
    const tty = await runCli(args(join(tmp(), "a")), { tty: true });
    expect(tty.stderr).toMatch(/^(\rexporting [█░]{30} +\d+% {2}[\d,]+ events)+\r\u001b\[2K$/);
    expect(tty.stderr).toContain("100%  60 events");
    const pipe = await runCli(args(join(tmp(), "b")));
    expect(pipe.stderr).toBe("");
  });

  it("exits 2 naming the flag when a required flag is missing", async () => {
    const r = await runCli([
      "export",
      "--source",
      GO_CHAIN,
      "--to",
      "2026-02-28",
      "--output",
      join(tmp(), "x"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required flag --from");
  });

  it("exits 2 for an empty audit log, naming it", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "audit.jsonl"), "");
    const r = await runCli(exportArgs(dir, join(dir, "out")));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds no events/);
  });

  it("refuses to overwrite an existing output folder", async () => {
    const out = tmp();
    const r = await runCli(exportArgs(GO_CHAIN, out));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists/);
  });

  it("writes into a new folder named after the period when --output is not given, and says where", async () => {
    const cwd = tmp();
    const r = await runCli(
      ["export", "--source", GO_CHAIN, "--format", "csv", "--from", "2026-01-01", "--to", "2026-03-31"],
      {
        cwd,
      },
    );
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, "soc2-2026-01-01_2026-03-31", "summary.json"))).toBe(true);
    expect(r.stdout).toContain("Evidence: soc2-2026-01-01_2026-03-31 (");
  });

  it("refuses a --home that does not exist, naming it, instead of calling every input missing", async () => {
    const r = await runCli([...exportArgs(GO_CHAIN, join(tmp(), "e")), "--home", "/does/not/exist"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--home: "/does/not/exist" is not a folder');
  });

  it("labels the summary's columns and prints each criterion's reasons with where to look", async () => {
    const r = await runCli(exportArgs(GO_CHAIN, join(tmp(), "e"), "2026-02-01", "2026-02-28"));
    expect(r.stdout).toMatch(/criterion +title +status +strength +headline figures/);
    expect(r.stdout).toMatch(/reason: .+ \(see cc[0-9.]+-[a-z-]+\.json#\/[a-z_/]+\)/);
  });

  it("reads the source from IDDIO_HOME when --source is not given", async () => {
    const home = tmp();
    cpSync(GO_CHAIN, join(home, "audit.jsonl"));
    const r = await runCli(
      ["export", "--from", "2026-02-01", "--to", "2026-02-28", "--output", join(tmp(), "e")],
      { env: { IDDIO_HOME: home } },
    );
    expect(r.code).toBe(0);
  });
});

describe("iddio-compliance help", () => {
  it("prints a command's own help for 'help <command>', the same as '<command> --help'", async () => {
    for (const command of ["export", "verify", "verify-package", "push", "serve", "sample"]) {
      const viaHelp = await runCli(["help", command]);
      const viaFlag = await runCli([command, "--help"]);
      expect(viaHelp.code, command).toBe(0);
      expect(viaHelp.stdout).toMatch(new RegExp(`^Usage: iddio-compliance ${command}\\b`));
      expect(viaHelp.stdout).toBe(viaFlag.stdout);
    }
  });

  it("prints the version every package.json of the release holds, the one summary.json names", async () => {
    const cli = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    const { code, stdout } = await runCli(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`iddio-compliance ${cli.version}\n`);
  });
});

describe("iddio-compliance verify", () => {
  it("exits 0 on an intact chain", async () => {
    const r = await runCli(["verify", "--source", join(GO_FIXTURES, "rotated")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verified: 60 events in 3 file\(s\)/);
  });

  it("exits 1 on a tampered copy and names the file and line", async () => {
    const r = await runCli(["verify", "--source", join(GO_FIXTURES, "tampered-delete.jsonl")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("tampered-delete.jsonl:20 link_break");
  });

  it("prints the audit-log-integrity shape with --json", async () => {
    const r = await runCli(["verify", "--json", "--source", GO_CHAIN]);
    expect(EVIDENCE_FILES["audit-log-integrity.json"].safeParse(JSON.parse(r.stdout)).success).toBe(true);
  });
});

describe("iddio-compliance verify-package", () => {
  it("confirms an intact package and reports a changed file", async () => {
    const out = join(tmp(), "evidence");
    await runCli(exportArgs(GO_CHAIN, out));
    expect((await runCli(["verify-package", out])).code).toBe(0);
    writeFileSync(join(out, "cc6.1-access-controls.json"), "{}\n");
    const r = await runCli(["verify-package", out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("cc6.1-access-controls.json: size mismatch");
  });
});

describe("iddio-compliance sample", () => {
  it("writes a seeded iddio home whose chain verifies and whose quarter exports", async () => {
    const home = join(tmp(), "home");
    const r = await runCli(["sample", "--output", home, "--events", "800", "--seed", "42"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/command events/);
    expect((await runCli(["verify", "--source", home])).code).toBe(0);
    const e = await runCli(exportArgs(home, join(tmp(), "ev"), "2026-01-01", "2026-03-31"));
    expect(e.code).toBe(0);
  });

  it("rejects a non-numeric --events with a message naming the flag", async () => {
    const r = await runCli(["sample", "--output", join(tmp(), "h"), "--events", "many"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--events: "many"');
  });
});

describe("iddio-compliance", () => {
  it("has --help for every command", async () => {
    for (const command of ["export", "verify", "verify-package", "push", "serve", "sample"]) {
      const r = await runCli([command, "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(/^Usage: iddio-compliance/);
    }
  });

  it("escapes terminal control characters in untrusted strings", async () => {
    const r = await runCli(["bogus\u001b[31m"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "bogus\\x1b[31m"');
  });
});
