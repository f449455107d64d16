import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportEvidence, previousLinkOf, readSummaryFile } from "@iddio-compliance/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { evidenceDifferences } from "../../../core/src/test-support/same-evidence.ts";
import {
  auditEventsDdl,
  insertLines,
  interleave,
} from "../../../source-postgres/src/test-support/audit-events-table.ts";
import {
  createTestSchema,
  describePostgres,
} from "../../../source-postgres/src/test-support/postgres-test-db.ts";
import { type SimulatedOrg, simulateOrg } from "../../../source-postgres/src/test-support/simulator-lines.ts";
import { ManualClock } from "../test-support/manual-clock.ts";
import { ledgerRecords, seedState, serverConfig, startPlugin } from "../test-support/plugin-fixture.ts";

// The plugin resumes every scheduled export from the checkpoint of the one before (issue 14): its
// export state and ledger record the checkpoint's SHA-256, the next export reads the stored
// package's checkpoint.json, checked against both, and only the log after it.

const MONTHS = ["2026-01-01_2026-01-31", "2026-02-01_2026-02-28", "2026-03-01_2026-03-31"];
let org: SimulatedOrg;
let dir: string;

beforeAll(async () => {
  org = await simulateOrg({
    seed: "plugin-resume",
    from: "2026-01-01",
    to: "2026-03-31",
    events: 3000,
    rotateEvents: 400,
    approvalRecords: "mixed",
  });
});
afterAll(async () => {
  await rm(org.root, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "plugin-resume-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = () => serverConfig(dir, { source: { audit_log: org.home } });
const integrity = async (key: string) =>
  JSON.parse(await readFile(join(dir, "store", key, "audit-log-integrity.json"), "utf8"));
const checkpointSha = (key: string) =>
  readSummaryFile(join(dir, "store", key)).summary.manifest.find((e) => e.file === "checkpoint.json")?.sha256;

describe("scheduled exports with core's exportEvidence", () => {
  it("resume from the previous package's checkpoint and store a full pass's evidence", async () => {
    await seedState(dir, { last_completed: { from: "2025-12-01", to: "2025-12-31" } });
    const clock = new ManualClock("2026-04-01T00:00:00Z");
    const { plugin, close } = await startPlugin(config(), { clock, connectorList: [] });
    await plugin.whenIdle();
    await close();

    const completed = (await ledgerRecords(dir)).filter((r) => r.event === "export.completed");
    expect(completed.map((r) => `${r.period_from}_${r.period_to}`)).toEqual(MONTHS);
    expect(completed.map((r) => r.checkpoint_sha256)).toEqual(MONTHS.map(checkpointSha));
    const state = JSON.parse(await readFile(join(dir, "state", "export-state.json"), "utf8"));
    expect(state.checkpoint).toMatchObject({
      package: MONTHS[2],
      sha256: checkpointSha(MONTHS[2] as string),
    });

    expect((await integrity(MONTHS[0] as string)).anchor.type).toBe("genesis");
    for (const i of [1, 2]) {
      const key = MONTHS[i] as string;
      expect((await integrity(key)).anchor).toMatchObject({
        type: "checkpoint",
        checkpoint_sha256: checkpointSha(MONTHS[i - 1] as string),
      });
      // The same period exported in full, with what the plugin gave the export.
      const [from, to] = key.split("_") as [string, string];
      const full = join(dir, `full-${key}`);
      await exportEvidence({
        source: org.home,
        from,
        to,
        format: "json",
        output: full,
        ledgers: [join(dir, "state", "ledger.jsonl")],
        previous: previousLinkOf(readSummaryFile(join(dir, "store", MONTHS[i - 1] as string))),
        now: () => clock.now(),
      });
      expect(evidenceDifferences(full, join(dir, "store", key))).toEqual([]);
    }
  });

  it("reads the whole log, with a warning, when the stored checkpoint no longer matches what it recorded", async () => {
    await seedState(dir, { last_completed: { from: "2025-12-01", to: "2025-12-31" } });
    const clock = new ManualClock("2026-02-01T00:00:00Z");
    const first = await startPlugin(config(), { clock, connectorList: [] });
    await first.plugin.whenIdle();
    await first.close();
    const stored = join(dir, "store", MONTHS[0] as string, "checkpoint.json");
    await writeFile(stored, (await readFile(stored, "utf8")).replace('"version": 1', '"version":  1'));

    clock.set("2026-03-01T00:00:00Z");
    const second = await startPlugin(config(), { clock, connectorList: [] });
    await second.plugin.whenIdle();
    await second.close();
    expect(second.logger.text()).toContain(
      "export: the checkpoint of the last export cannot be used; reading the whole log",
    );
    const anchor = (await integrity(MONTHS[1] as string)).anchor;
    expect(anchor.checkpoint_sha256).toBeUndefined();
    expect((await integrity(MONTHS[1] as string)).verified).toBe(true);
  });
});

describePostgres("scheduled exports of PostgreSQL organisations", (databaseUrl) => {
  it("resume each organisation's export from its own previous checkpoint, by row key", async () => {
    const db = await createTestSchema(databaseUrl, "plugin_resume");
    const other = await simulateOrg({
      seed: "plugin-resume-globex",
      from: "2026-01-01",
      to: "2026-03-31",
      events: 1500,
    });
    try {
      await db.client.query(auditEventsDdl());
      await insertLines(db.client, interleave({ acme: org.lines, globex: other.lines }));
      const clock = new ManualClock("2026-04-01T00:00:00Z");
      const { plugin, close } = await startPlugin(
        serverConfig(
          dir,
          { source: { postgres: { url: db.url, org_id: ["acme", "globex"] } } },
          { backfill_from: "2026-01-01" },
        ),
        { clock, connectorList: [] },
      );
      await plugin.whenIdle();
      await close();
      for (const orgId of ["acme", "globex"]) {
        const read = async (key: string) =>
          JSON.parse(await readFile(join(dir, "store", orgId, key, "audit-log-integrity.json"), "utf8"));
        const sha = (key: string) =>
          readSummaryFile(join(dir, "store", orgId, key)).summary.manifest.find(
            (e) => e.file === "checkpoint.json",
          )?.sha256;
        expect((await read(MONTHS[0] as string)).anchor.type).toBe("genesis");
        for (const i of [1, 2]) {
          const integrity = await read(MONTHS[i] as string);
          expect(integrity.anchor).toMatchObject({
            type: "checkpoint",
            checkpoint_sha256: sha(MONTHS[i - 1] as string),
          });
          expect(integrity.files[0].read_from_line).toBeGreaterThan(1);
          expect(integrity.verified).toBe(true);
        }
      }
    } finally {
      await db.drop();
      await rm(other.root, { recursive: true, force: true });
    }
  });
});
