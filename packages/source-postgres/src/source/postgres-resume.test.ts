import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportEvidence, readCheckpoint } from "@iddio-compliance/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { evidenceDifferences } from "../../../core/src/test-support/same-evidence.ts";
import { resolveMapping } from "../mapping/audit-events-mapping.ts";
import { planLineQuery } from "../query/line-query.ts";
import { describeTable } from "../query/table-shape.ts";
import { auditEventsDdl, insertLines, interleave } from "../test-support/audit-events-table.ts";
import { createTestSchema, describePostgres, type TestSchema } from "../test-support/postgres-test-db.ts";
import { type SimulatedOrg, simulateOrg } from "../test-support/simulator-lines.ts";
import { type PostgresSourceOptions, postgresSource } from "./postgres-source.ts";

// Issue 14 over PostgreSQL: an organisation's export resumed from the previous period's
// checkpoint reads only the rows after its row key (an index range scan) and writes the evidence
// of a full pass; a checkpoint row that changed or is gone means a full pass with a warning.

const now = () => new Date("2026-04-10T00:00:00Z");
const MONTHS: [string, string][] = [
  ["2026-01-01", "2026-01-31"],
  ["2026-02-01", "2026-02-28"],
  ["2026-03-01", "2026-03-31"],
];

describePostgres("an export from PostgreSQL resumed from a checkpoint", (databaseUrl) => {
  let db: TestSchema;
  let out: string;
  const orgs: Record<string, SimulatedOrg> = {};

  beforeAll(async () => {
    db = await createTestSchema(databaseUrl, "resume");
    out = mkdtempSync(join(tmpdir(), "iddio-pg-resume-"));
    orgs.acme = await simulateOrg({
      seed: "pg-resume-acme",
      events: 3_000,
      approvalRecords: "mixed",
      afterDays: 3,
    });
    orgs.globex = await simulateOrg({ seed: "pg-resume-globex", events: 2_000, approvalOrder: "mixed" });
    orgs.initech = await simulateOrg({ seed: "pg-resume-initech", events: 1_000, hashMode: "omit" });
    await db.client.query(auditEventsDdl());
    await insertLines(
      db.client,
      interleave(Object.fromEntries(Object.entries(orgs).map(([org, o]) => [org, o.lines]))),
    );
    await db.client.query("ANALYZE audit_events");
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(out, { recursive: true, force: true });
    for (const o of Object.values(orgs)) rmSync(o.root, { recursive: true, force: true });
  });

  const source = (org: string, extra: Partial<PostgresSourceOptions> = {}) =>
    postgresSource({ url: db.url, orgId: org, home: (orgs[org] as SimulatedOrg).home, ...extra });
  const run = (name: string, org: string, [from, to]: [string, string], resumeFrom?: string, extra = {}) =>
    exportEvidence({
      source: source(org, extra),
      from,
      to,
      format: "json",
      output: join(out, name),
      now,
      report: false,
      ...(resumeFrom ? { resumeFrom: readCheckpoint(join(out, resumeFrom)) } : {}),
    });

  // January of an organisation, exported once for the tests that resume after it.
  const januaries = new Map<string, Promise<string>>();
  const january = (org: string): Promise<string> => {
    let done = januaries.get(org);
    if (!done) {
      done = run(`${org}-january`, org, MONTHS[0] as [string, string]).then(() => `${org}-january`);
      januaries.set(org, done);
    }
    return done;
  };

  for (const org of ["acme", "globex", "initech"]) {
    for (const mode of ["raw", "columns"] as const) {
      it(`writes a full pass's evidence month after month for ${org} (${mode} lines)`, async () => {
        const extra = { mode };
        await run(`${org}-${mode}-0`, org, MONTHS[0] as [string, string], undefined, extra);
        for (let i = 1; i < MONTHS.length; i++) {
          const full = await run(
            `${org}-${mode}-${i}-full`,
            org,
            MONTHS[i] as [string, string],
            undefined,
            extra,
          );
          const previous = i === 1 ? `${org}-${mode}-0` : `${org}-${mode}-${i - 1}`;
          const resumed = await run(
            `${org}-${mode}-${i}`,
            org,
            MONTHS[i] as [string, string],
            previous,
            extra,
          );
          expect(resumed.resume).toEqual({ resumed: true, fallback: null });
          expect(
            evidenceDifferences(join(out, `${org}-${mode}-${i}-full`), join(out, `${org}-${mode}-${i}`)),
          ).toEqual([]);
          expect(resumed.checkpointSha256).toBe(full.checkpointSha256);
        }
        const checkpoint = readCheckpoint(join(out, `${org}-${mode}-0`)).checkpoint;
        expect(checkpoint.position).toMatchObject({ line_start: null, offset: null });
        expect(checkpoint.position?.row_key).toMatch(/^\d+$/);
        const integrity = JSON.parse(
          readFileSync(join(out, `${org}-${mode}-1`, "audit-log-integrity.json"), "utf8"),
        );
        expect(integrity.files[0].read_from_line).toBe((checkpoint.position?.line ?? 0) + 1);
      });
    }
  }

  it("reads the rows after the checkpoint's row key with an index range scan, without a sort", async () => {
    const checkpoint = readCheckpoint(join(out, await january("acme"))).checkpoint;
    const mapping = resolveMapping();
    const table = await describeTable(db.client, mapping);
    if (!table) throw new Error("no audit_events table");
    for (const mode of ["raw", "columns"] as const) {
      // The query the source runs after a checkpoint, planned with the checkpoint's row key.
      const { sqlAfter } = planLineQuery(table, mapping, mode);
      const { rows } = await db.client.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${sqlAfter}`, [
        "acme",
        checkpoint.position?.row_key,
      ]);
      const plan = JSON.stringify(rows[0]?.["QUERY PLAN"]);
      // A range scan of an index on the sequence (the (org_id, seq) index, or the primary key when
      // the planner prefers it), in chain order: never the whole table, never a sort.
      expect(plan).toMatch(/"Node Type":"Index (Only )?Scan"/);
      expect(plan).toMatch(/"Index Cond":"[^"]*seq > /);
      expect(plan).not.toContain('"Node Type":"Sort"');
      expect(plan).not.toContain('"Node Type":"Seq Scan"');
    }
  });

  it("reads every row again, with a warning, when the checkpoint's row was edited", async () => {
    const previous = await january("globex");
    const checkpoint = readCheckpoint(join(out, previous));
    const key = checkpoint.checkpoint.position?.row_key;
    await db.client.query(
      `UPDATE audit_events SET raw_line = replace(raw_line, '"timestamp":"2026', '"timestamp": "2026') WHERE seq = $1`,
      [key],
    );
    try {
      const r = await run("globex-edited", "globex", MONTHS[1] as [string, string], previous);
      expect(r.resume.resumed).toBe(false);
      expect(r.resume.fallback).toContain(`row ${key}`);
      expect(r.resume.fallback).toContain("holds another line now");
      expect(r.verified).toBe(false);
    } finally {
      await db.client.query(
        `UPDATE audit_events SET raw_line = replace(raw_line, '"timestamp": "2026', '"timestamp":"2026') WHERE seq = $1`,
        [key],
      );
    }
  });

  it("reads every row again, with a warning, when the checkpoint's row is gone", async () => {
    const previous = await january("initech");
    const checkpoint = readCheckpoint(join(out, previous));
    const key = checkpoint.checkpoint.position?.row_key;
    const { rows } = await db.client.query("DELETE FROM audit_events WHERE seq = $1 RETURNING *", [key]);
    expect(rows).toHaveLength(1);
    const r = await run("initech-gone", "initech", MONTHS[1] as [string, string], previous);
    expect(r.resume.resumed).toBe(false);
    expect(r.resume.fallback).toContain("no longer holds the checkpoint's row");
    expect(r.verified).toBe(false);
  });

  it("finds a row tampered with after the checkpoint, where a full pass finds it", async () => {
    const previous = await january("acme");
    const checkpoint = readCheckpoint(join(out, previous));
    const { rows } = await db.client.query<{ seq: string }>(
      "SELECT seq::text AS seq FROM audit_events WHERE org_id = 'acme' AND seq > $1 ORDER BY seq LIMIT 1 OFFSET 20",
      [checkpoint.checkpoint.position?.row_key],
    );
    const key = rows[0]?.seq;
    await db.client.query(
      `UPDATE audit_events SET raw_line = replace(raw_line, '"timestamp":"', '"timestamp": "') WHERE seq = $1`,
      [key],
    );
    const full = await run("acme-tampered-full", "acme", MONTHS[1] as [string, string]);
    const resumed = await run("acme-tampered", "acme", MONTHS[1] as [string, string], previous);
    expect(resumed.resume.resumed).toBe(true);
    expect(full.verified).toBe(false);
    expect(resumed.verified).toBe(false);
    const findings = (dir: string) =>
      JSON.parse(readFileSync(join(out, dir, "audit-log-integrity.json"), "utf8")).findings;
    expect(findings("acme-tampered")).toEqual(findings("acme-tampered-full"));
    expect(findings("acme-tampered")[0]).toMatchObject({ kind: "hash_mismatch" });
  });
});
