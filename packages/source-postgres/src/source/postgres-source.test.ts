import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  exportEvidence,
  isComplianceError,
  jsonlSource,
  verifyAuditLog,
  verifyPackage,
} from "@iddio-compliance/core";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditEventsDdl, insertLines, interleave } from "../test-support/audit-events-table.ts";
import { packageFiles } from "../test-support/package-files.ts";
import { createTestSchema, describePostgres, type TestSchema } from "../test-support/postgres-test-db.ts";
import { type SimulatedOrg, simulateOrg } from "../test-support/simulator-lines.ts";
import { tapBatches } from "../test-support/source-taps.ts";
import { postgresSource } from "./postgres-source.ts";

const PERIOD = { from: "2026-01-01", to: "2026-03-31" };
const now = () => new Date("2026-04-02T08:00:00Z");
const ACME_SEGMENT = "postgres:audit_events?org_id=acme";

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: Error & { code?: string }) => error,
  );
}

describePostgres("postgresSource against PostgreSQL", (databaseUrl) => {
  let db: TestSchema;
  let out: string;
  const orgs: Record<string, SimulatedOrg> = {};

  beforeAll(async () => {
    db = await createTestSchema(databaseUrl, "source");
    out = mkdtempSync(join(tmpdir(), "iddio-pg-out-"));
    orgs.acme = await simulateOrg({ seed: 11, events: 12_000 });
    orgs.globex = await simulateOrg({ seed: 29, events: 4_000 });
    orgs.omitco = await simulateOrg({ seed: 5, events: 1_500, hashMode: "omit" });
    await db.client.query(auditEventsDdl());
    await insertLines(
      db.client,
      interleave(Object.fromEntries(Object.entries(orgs).map(([org, o]) => [org, o.lines]))),
    );
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(out, { recursive: true, force: true });
    for (const o of Object.values(orgs)) rmSync(o.root, { recursive: true, force: true });
  });

  it("stores the organisations interleaved in time, so a missing org filter would mix them", async () => {
    const { rows } = await db.client.query<{ switches: string }>(
      "SELECT count(*) AS switches FROM (SELECT org_id, lag(org_id) OVER (ORDER BY seq) AS prev FROM audit_events) x WHERE org_id <> prev",
    );
    expect(Number(rows[0]?.switches)).toBeGreaterThan(1000);
  });

  for (const format of ["json", "csv"] as const) {
    it(`writes ${format} evidence byte-identical to the same events exported from JSONL, apart from the source and the segment name`, async () => {
      const acme = orgs.acme as SimulatedOrg;
      const pgDir = join(out, `pg-${format}`);
      const fileDir = join(out, `jsonl-${format}`);
      const fromPg = await exportEvidence({
        source: postgresSource({ url: db.url, orgId: "acme", home: acme.home }),
        ...PERIOD,
        format,
        output: pgDir,
        now,
      });
      const fromFile = await exportEvidence({
        source: jsonlSource(acme.jsonl, { home: acme.home }),
        ...PERIOD,
        format,
        output: fileDir,
        now,
      });
      expect(fromPg.verified).toBe(true);
      expect(fromPg.totalEvents).toBe(acme.lines.length);
      expect((await verifyPackage(pgDir)).ok).toBe(true);

      const pgFiles = packageFiles(pgDir);
      const fileFiles = packageFiles(fileDir);
      expect([...pgFiles.keys()]).toEqual([...fileFiles.keys()]);
      for (const [name, text] of fileFiles) {
        if (name === "summary.json" || name === "report.html") continue;
        if (name === "checkpoint.json") {
          // A checkpoint is a position in its own source (a row key, or a file offset); the state
          // it carries is the same.
          const { source: _s, position: _p, ...carried } = JSON.parse(text);
          const pg = JSON.parse((pgFiles.get(name) as string).replaceAll(ACME_SEGMENT, "audit.jsonl"));
          expect({ ...pg, source: undefined, position: undefined }).toEqual({
            ...carried,
            source: undefined,
            position: undefined,
          });
          continue;
        }
        // The only normalisation: the segment name where the JSONL package names its file
        // (audit-log-integrity files[].path and findings[].file, cc6.1 denied_requests[].file).
        expect(pgFiles.get(name)?.replaceAll(ACME_SEGMENT, "audit.jsonl"), name).toBe(text);
      }
      // summary.json: `source` differs by design, and the manifest's bytes/sha256 of the two files
      // that hold the segment name (each package's own manifest is checked by verifyPackage above).
      const summary = (text: string) => {
        const s = JSON.parse(text) as {
          source: unknown;
          manifest: { file: string; bytes?: number; sha256?: string }[];
        };
        return { ...s, source: null, manifest: s.manifest.map(({ file }) => file) };
      };
      expect(summary(pgFiles.get("summary.json") as string)).toEqual(
        summary(fileFiles.get("summary.json") as string),
      );
      // report.html embeds the summary and the documents: the same two normalisations apply to them.
      const report = (html: string) => {
        const open = '<script type="application/json" id="report-data">';
        const start = html.indexOf(open) + open.length;
        const data = JSON.parse(
          html.slice(start, html.indexOf("</script>", start)).replaceAll(ACME_SEGMENT, "audit.jsonl"),
        );
        return {
          page: html.slice(0, start) + html.slice(html.indexOf("</script>", start)),
          documents: data.documents,
          summary: summary(JSON.stringify(data.summary)),
        };
      };
      expect(report(pgFiles.get("report.html") as string)).toEqual(
        report(fileFiles.get("report.html") as string),
      );
      expect(fromPg.summary.source).toEqual({
        type: "postgres",
        location: expect.stringMatching(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+\?options=/),
        org_id: "acme",
      });
      expect(fromFile.summary.integrity).toEqual(fromPg.summary.integrity);
    });
  }

  it("digests the segment as the SHA-256 of the JSONL file holding the same lines", async () => {
    const verdict = await verifyAuditLog({ source: postgresSource({ url: db.url, orgId: "acme" }) });
    const file = await verifyAuditLog({ source: (orgs.acme as SimulatedOrg).jsonl });
    expect(verdict.files).toEqual([{ ...file.files[0], path: ACME_SEGMENT }]);
  });

  it("exports one organisation with nothing of another whose events interleave with it", async () => {
    const dir = join(out, "tenancy");
    const result = await exportEvidence({
      source: postgresSource({ url: db.url, orgId: "acme" }),
      ...PERIOD,
      format: "json",
      output: dir,
      now,
    });
    expect(result.totalEvents).toBe((orgs.acme as SimulatedOrg).lines.length);
    const text = [...packageFiles(dir).values()].join("\n");
    const acmeHashes = new Set(
      (orgs.acme as SimulatedOrg).lines.map((l) => (JSON.parse(l) as { hash: string }).hash),
    );
    const foreign = [...text.matchAll(/[0-9a-f]{64}/g)].map((m) => m[0]).filter((h) => !acmeHashes.has(h));
    const otherHashes = new Set(
      [...(orgs.globex as SimulatedOrg).lines, ...(orgs.omitco as SimulatedOrg).lines].map(
        (l) => (JSON.parse(l) as { hash: string }).hash,
      ),
    );
    expect(foreign.filter((h) => otherHashes.has(h))).toEqual([]);
    expect(text).not.toContain("org_id=globex");
  });

  it("reports a tampered row as hash_mismatch at its ordinal in the organisation's stream, with the stored hash that finds the row", async () => {
    const { rows } = await db.client.query<{ seq: string; raw_line: string; hash: string }>(
      "SELECT seq, raw_line, hash FROM audit_events WHERE org_id = 'acme' AND event IS NULL ORDER BY seq OFFSET 499 LIMIT 1",
    );
    const row = rows[0] as { seq: string; raw_line: string; hash: string };
    const ordinal = Number(
      (
        await db.client.query("SELECT count(*) AS n FROM audit_events WHERE org_id = 'acme' AND seq <= $1", [
          row.seq,
        ])
      ).rows[0].n,
    );
    const edited = row.raw_line.replace(/"latency_us":\d+/, '"latency_us":1');
    expect(edited).not.toBe(row.raw_line);
    await db.client.query("UPDATE audit_events SET raw_line = $1 WHERE seq = $2", [edited, row.seq]);
    try {
      const verdict = await verifyAuditLog({ source: postgresSource({ url: db.url, orgId: "acme" }) });
      expect(verdict.verified).toBe(false);
      expect(verdict.findings).toEqual([
        expect.objectContaining({
          kind: "hash_mismatch",
          file: ACME_SEGMENT,
          line: ordinal,
          expected: row.hash,
        }),
      ]);
      const found = await db.client.query(
        "SELECT seq FROM audit_events WHERE org_id = 'acme' AND hash = $1",
        [verdict.findings[0]?.expected],
      );
      expect(found.rows).toEqual([{ seq: row.seq }]);
      expect(await postgresSource({ url: db.url, orgId: "acme" }).rowIds([ordinal])).toEqual(
        new Map([[ordinal, row.seq]]),
      );
    } finally {
      await db.client.query("UPDATE audit_events SET raw_line = $1 WHERE seq = $2", [row.raw_line, row.seq]);
    }
  });

  for (const org of ["acme", "globex", "omitco"]) {
    it(`rebuilds every ${org} line from columns byte for byte as the raw line stores it`, async () => {
      const raw = await verifyAuditLog({ source: postgresSource({ url: db.url, orgId: org, mode: "raw" }) });
      const rebuilt = postgresSource({
        url: db.url,
        orgId: org,
        mode: "columns",
        mapping: { rawLine: null },
      });
      const columns = await verifyAuditLog({ source: rebuilt });
      expect(rebuilt.mode).toBe("columns");
      expect(columns.verified).toBe(true);
      expect(columns.findings).toEqual([]);
      expect(columns.total_events).toBe(raw.total_events);
      // Equal digests over every line + "\n": every rebuilt line equals its stored line.
      expect(columns.files[0]?.sha256).toBe(raw.files[0]?.sha256);
      expect(columns.files[0]?.path).toBe(`postgres:audit_events?org_id=${org}&lines=rebuilt`);
      expect(columns.hash_mode).toBe(org === "omitco" ? "omit" : "blank");
    });
  }

  it("fails an export cleanly when its connection is terminated mid-stream, leaving no package, and succeeds on retry", async () => {
    const dir = join(out, "dropped");
    const appName = `iddio-test-drop-${process.pid}`;
    const url = `${db.url}&application_name=${appName}`;
    const source = tapBatches(postgresSource({ url, orgId: "acme", batchRows: 500 }), async (_, index) => {
      if (index > 0) return;
      const killed = await db.client.query(
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1",
        [appName],
      );
      expect(killed.rows).toEqual([{ ok: true }]);
    });
    const error = await rejection(exportEvidence({ source, ...PERIOD, format: "json", output: dir, now }));
    expect(isComplianceError(error)).toBe(true);
    expect(error.code).toBe("INPUT_UNREADABLE");
    expect(error.message).toContain(ACME_SEGMENT);
    expect(readdirSync(out).filter((n) => n.startsWith("dropped"))).toEqual([]);
    const retry = await exportEvidence({
      source: postgresSource({ url, orgId: "acme", batchRows: 500 }),
      ...PERIOD,
      format: "json",
      output: dir,
      now,
    });
    expect(retry.verified).toBe(true);
    expect((await verifyPackage(dir)).ok).toBe(true);
  });

  it("refuses an invalid organisation id before any query", () => {
    for (const orgId of ["", "../acme", "a/b", "acme' OR '1'='1", ".hidden", "a..b", "x".repeat(64)]) {
      expect(() => postgresSource({ url: db.url, orgId }), orgId).toThrow(/invalid organisation id/);
    }
  });

  it("names the organisation when it has no events, and the table when it does not exist", async () => {
    const empty = await rejection(
      verifyAuditLog({ source: postgresSource({ url: db.url, orgId: "nobody" }) }),
    );
    expect(empty.code).toBe("SOURCE_EMPTY");
    expect(empty.message).toContain('org_id "nobody"');
    const missing = await rejection(
      verifyAuditLog({
        source: postgresSource({ url: db.url, orgId: "acme", mapping: { table: "no_such_table" } }),
      }),
    );
    expect(missing.code).toBe("SOURCE_NOT_FOUND");
    expect(missing.message).toContain('table "no_such_table" not found');
  });

  it("never prints the password of an unreachable or refusing server", async () => {
    const refused = await rejection(
      verifyAuditLog({
        source: postgresSource({ url: "postgres://auditor:s3cr3t-pw@127.0.0.1:1/iddio", orgId: "acme" }),
      }),
    );
    expect(refused.code).toBe("INPUT_UNREADABLE");
    expect(refused.message).toContain("postgres://auditor:***@127.0.0.1:1/iddio");
    expect(refused.message).not.toContain("s3cr3t-pw");
    const withPassword = new URL(db.url);
    withPassword.password = "s3cr3t-pw";
    const source = postgresSource({ url: withPassword.toString(), orgId: "acme" });
    expect(source.location).not.toContain("s3cr3t-pw");
    expect(source.location).toContain(":***@");
  });

  it("reads through a caller's client and leaves it open", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const verdict = await verifyAuditLog({ source: postgresSource({ client, orgId: "globex" }) });
      expect(verdict.verified).toBe(true);
      expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });
});
