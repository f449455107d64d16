import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type LineBatch, verifyAuditLog } from "@iddio-compliance/core";
import { generateHome } from "@iddio-compliance/simulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditEventsDdl, insertRawLines } from "../test-support/audit-events-table.ts";
import { createTestSchema, describePostgres, type TestSchema } from "../test-support/postgres-test-db.ts";
import { tapBatches } from "../test-support/source-taps.ts";
import { postgresSource } from "./postgres-source.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapAfterGc = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** Lines in a batch: a block holds each line followed by a newline. */
const linesIn = (batch: LineBatch): number =>
  batch.block ? batch.block.toString("latin1").split("\n").length - 1 : (batch.lines?.length ?? 0);

const EVENTS = 200_000;
const BATCH_ROWS = 2000;
const MiB = 1 << 20;

describePostgres("postgresSource streaming a large organisation", (databaseUrl) => {
  let db: TestSchema;
  let rows = 0;
  let storedBytes = 0;
  let root = "";

  beforeAll(async () => {
    db = await createTestSchema(databaseUrl, "stream");
    await db.client.query(auditEventsDdl());
    root = mkdtempSync(join(tmpdir(), "iddio-pg-stream-"));
    const home = await generateHome({
      outDir: join(root, "home"),
      seed: 41,
      events: EVENTS,
      rotateEvents: 10 * EVENTS,
      gzipRotated: false,
      preambleDays: 2,
    });
    // Streams the log into the table a few thousand rows at a time, never holding it whole.
    let chunk: string[] = [];
    for (const file of home.logFiles) {
      for await (const line of createInterface({
        input: createReadStream(join(root, "home", file)),
        crlfDelay: Number.POSITIVE_INFINITY,
      })) {
        chunk.push(line);
        storedBytes += Buffer.byteLength(line) + 1;
        if (chunk.length === 20_000) {
          await insertRawLines(db.client, "bigcorp", chunk);
          rows += chunk.length;
          chunk = [];
        }
      }
    }
    await insertRawLines(db.client, "bigcorp", chunk);
    rows += chunk.length;
  });
  afterAll(async () => {
    await db?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("verifies hundreds of thousands of rows through the cursor in fixed batches with a flat heap", async () => {
    expect(rows).toBeGreaterThan(EVENTS);
    const sizes: number[] = [];
    const heap: number[] = [];
    const source = tapBatches(
      postgresSource({ url: db.url, orgId: "bigcorp", batchRows: BATCH_ROWS }),
      (batch, index) => {
        sizes.push(linesIn(batch));
        if (index % 10 === 9) heap.push(heapAfterGc());
      },
    );
    const before = heapAfterGc();
    const verdict = await verifyAuditLog({ source });

    expect(verdict.verified).toBe(true);
    expect(verdict.total_events).toBe(rows);
    // The cursor hands out the rows in batches of exactly batchRows (the last one shorter).
    expect(sizes.length).toBe(Math.ceil(rows / BATCH_ROWS));
    expect(sizes.slice(0, -1).every((n) => n === BATCH_ROWS)).toBe(true);
    // The stored log is far larger than the bound, and the heap never grows by more than it.
    expect(storedBytes).toBeGreaterThan(64 * MiB);
    const growth = Math.max(...heap) - before;
    console.log(
      `streamed ${rows} rows (${(storedBytes / MiB).toFixed(0)} MiB) in ${sizes.length} batches; heap growth ${(growth / MiB).toFixed(1)} MiB`,
    );
    expect(
      growth,
      `heap grew by ${(growth / MiB).toFixed(1)} MiB while streaming ${(storedBytes / MiB).toFixed(0)} MiB`,
    ).toBeLessThan(24 * MiB);
  });
});
