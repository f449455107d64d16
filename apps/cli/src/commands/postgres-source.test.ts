import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  auditEventsDdl,
  insertLines,
  interleave,
} from "../../../../packages/source-postgres/src/test-support/audit-events-table.ts";
import {
  createTestSchema,
  describePostgres,
  type TestSchema,
} from "../../../../packages/source-postgres/src/test-support/postgres-test-db.ts";
import {
  type SimulatedOrg,
  simulateOrg,
} from "../../../../packages/source-postgres/src/test-support/simulator-lines.ts";
import { runCli } from "../test-support/run-cli.ts";

const PASSWORD = "s3cr3t-Pa55";
const PERIOD = ["--from", "2026-01-01", "--to", "2026-03-31"];

describePostgres("iddio-compliance export and verify with --source postgres://", (databaseUrl) => {
  let db: TestSchema;
  let out: string;
  let url: string;
  let acme: SimulatedOrg;
  let globex: SimulatedOrg;

  beforeAll(async () => {
    db = await createTestSchema(databaseUrl, "cli");
    out = mkdtempSync(join(tmpdir(), "cli-pg-"));
    acme = await simulateOrg({ seed: 8, events: 3_000 });
    globex = await simulateOrg({ seed: 9, events: 1_000 });
    await db.client.query(auditEventsDdl());
    await insertLines(db.client, interleave({ acme: acme.lines, globex: globex.lines }));
    // The test server trusts loopback, so any password connects: it must still never be printed.
    const withPassword = new URL(db.url);
    withPassword.password = PASSWORD;
    url = withPassword.toString();
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(out, { recursive: true, force: true });
    for (const o of [acme, globex]) if (o) rmSync(o.root, { recursive: true, force: true });
  });

  it("exports one organisation's evidence, with its home, and never prints or stores the password", async () => {
    const dir = join(out, "acme");
    const r = await runCli([
      "export",
      "--source",
      url,
      "--org",
      "acme",
      "--home",
      acme.home,
      ...PERIOD,
      "--output",
      dir,
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Hash chain: verified");
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(summary.source).toEqual({
      type: "postgres",
      location: expect.stringContaining(":***@127.0.0.1:"),
      org_id: "acme",
    });
    expect(summary.integrity.chain_events).toBe(acme.lines.length);
    // --home gave the policy, tokens and certificates: no criterion misses them.
    expect(
      summary.criteria.flatMap((c: { missing_inputs: string[] }) => c.missing_inputs).join(),
    ).not.toMatch(/policy\.yaml|tokens\.yaml/);
    const everything =
      r.stdout +
      r.stderr +
      readFileSync(join(dir, "summary.json"), "utf8") +
      readFileSync(join(dir, "audit-log-integrity.json"), "utf8");
    expect(everything).not.toContain(PASSWORD);
  });

  it("exits 2 naming --org when a PostgreSQL source has none, or an invalid one, and writes nothing", async () => {
    for (const [flags, message] of [
      [[], /--org is required with a PostgreSQL --source/],
      [["--org", "../acme"], /--org: invalid organisation id "\.\.\/acme"/],
    ] as const) {
      const dir = join(out, "refused");
      const r = await runCli(["export", "--source", url, ...flags, ...PERIOD, "--output", dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain(PASSWORD);
      expect(() => readFileSync(join(dir, "summary.json"))).toThrow();
    }
    const files = await runCli(["verify", "--source", acme.jsonl, "--org", "acme"]);
    expect(files.code).toBe(2);
    expect(files.stderr).toContain("--org applies only to a PostgreSQL --source");
  });

  it("verifies an organisation's chain, and names the tampered row by its sequence number", async () => {
    const ok = await runCli(["verify", "--source", url, "--org", "globex"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      `verified: ${globex.lines.length.toLocaleString("en-US")} events in 1 file(s)`,
    );

    const { rows } = await db.client.query(
      "SELECT seq, raw_line FROM audit_events WHERE org_id = 'globex' ORDER BY seq OFFSET 99 LIMIT 1",
    );
    const row = rows[0] as { seq: string; raw_line: string };
    await db.client.query(
      `UPDATE audit_events SET raw_line = replace(raw_line, '"timestamp":', '"timestamp": ') WHERE seq = $1`,
      [row.seq],
    );
    try {
      const bad = await runCli(["verify", "--source", url, "--org", "globex"]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`postgres:audit_events?org_id=globex:100 (row ${row.seq}) hash_mismatch`);
      expect(bad.stdout + bad.stderr).not.toContain(PASSWORD);
    } finally {
      await db.client.query("UPDATE audit_events SET raw_line = $1 WHERE seq = $2", [row.raw_line, row.seq]);
    }
  });

  it("exits 2 with the password redacted when the server cannot be reached", async () => {
    const r = await runCli([
      "verify",
      "--source",
      `postgres://auditor:${PASSWORD}@127.0.0.1:1/iddio`,
      "--org",
      "acme",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot connect to PostgreSQL at postgres://auditor:***@127.0.0.1:1/iddio");
    expect(r.stderr).not.toContain(PASSWORD);
  });
});
