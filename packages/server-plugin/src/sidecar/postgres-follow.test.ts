import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditEventsDdl, insertLines } from "../../../source-postgres/src/test-support/audit-events-table.ts";
import {
  createTestSchema,
  describePostgres,
  type TestSchema,
} from "../../../source-postgres/src/test-support/postgres-test-db.ts";
import { type SimulatedOrg, simulateOrg } from "../../../source-postgres/src/test-support/simulator-lines.ts";
import { captureLogger } from "../test-support/capture-logger.ts";
import { ManualClock } from "../test-support/manual-clock.ts";
import { testExporter } from "../test-support/test-exporter.ts";
import { startSidecar } from "./start-sidecar.ts";

// The sidecar follows a PostgreSQL source as it tails a log file: each organisation's new rows are
// polled (bounded: a row key range, a batch at a time) and handed to `audit:append`, so a tampered
// or unlinked row raises an alert the moment it is written, per organisation.

describePostgres("the sidecar with a PostgreSQL source", (databaseUrl) => {
  let db: TestSchema;
  let dir: string;
  let acme: SimulatedOrg;
  let globex: SimulatedOrg;

  beforeAll(async () => {
    db = await createTestSchema(databaseUrl, "follow");
    await db.client.query(auditEventsDdl());
    dir = await mkdtemp(join(tmpdir(), "sidecar-pg-"));
    acme = await simulateOrg({ seed: "follow-acme", events: 600 });
    globex = await simulateOrg({ seed: "follow-globex", events: 400 });
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
    for (const o of [acme, globex]) if (o) await rm(o.root, { recursive: true, force: true });
  });

  const metric = (text: string, name: string, org: string) =>
    Number(
      new RegExp(`^iddio_compliance_${name}\\{org="${org}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? Number.NaN,
    );

  it("hands each organisation's new rows to audit:append and alerts on a tampered one", async () => {
    await insertLines(db.client, [
      ...acme.lines.slice(0, 100).map((line) => ({ org: "acme", line })),
      ...globex.lines.slice(0, 50).map((line) => ({ org: "globex", line })),
    ]);
    const configPath = join(dir, "server.yaml");
    await writeFile(
      configPath,
      `compliance:\n  state_dir: ${join(dir, "state")}\n  source: { postgres: { url: "${db.url}", org_id: [acme, globex] } }\n`,
    );
    const logger = captureLogger();
    const sidecar = await startSidecar({
      configPath,
      handleSignals: false,
      listen: "127.0.0.1:0",
      // Only pollNow() polls in this test.
      pollIntervalMs: 60_000,
      logger,
      clock: new ManualClock("2026-04-01T00:00:00Z"),
      exporter: testExporter(),
      connectors: async () => [],
    });
    try {
      const metrics = async () => (await fetch(`${sidecar.url}/metrics`)).text();
      await sidecar.pollNow();
      // It starts at each organisation's last row (its link to the next one is then checked).
      expect(metric(await metrics(), "audit_lines_verified_total", "acme")).toBe(1);
      expect(metric(await metrics(), "audit_lines_verified_total", "globex")).toBe(1);

      await insertLines(db.client, [
        ...acme.lines.slice(100, 350).map((line) => ({ org: "acme", line })),
        ...globex.lines.slice(50, 80).map((line) => ({ org: "globex", line })),
      ]);
      await sidecar.pollNow();
      let text = await metrics();
      expect(metric(text, "audit_lines_verified_total", "acme")).toBe(251);
      expect(metric(text, "audit_lines_verified_total", "globex")).toBe(31);
      expect(metric(text, "tamper_alerts_total", "acme")).toBe(0);

      // A row edited before it was written: its hash no longer matches.
      const forged = (acme.lines[350] as string).replace('"timestamp":"', '"timestamp": "');
      expect(forged).not.toBe(acme.lines[350]);
      await insertLines(db.client, [{ org: "acme", line: forged }]);
      await sidecar.pollNow();
      text = await metrics();
      expect(metric(text, "tamper_alerts_total", "acme")).toBe(1);
      expect(metric(text, "tamper_alerts_total", "globex")).toBe(0);
      expect(logger.text()).toMatch(/audit log alert: hash_mismatch.*"org":"acme"/);
      expect(logger.text()).not.toContain(db.url);
    } finally {
      await sidecar.close();
    }
  });
});
