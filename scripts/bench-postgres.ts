// `pnpm bench:postgres`: loads 1,000,000 simulator events (the same seeded home `pnpm bench` uses,
// cached in .bench/) into a PostgreSQL `audit_events` table once (cached in schema iddio_bench:
// skipped when the table already holds them), then times `verify` and `export --format json` from
// PostgreSQL with the built CLI, next to the same from the JSONL files, and prints wall time,
// events/s and peak RSS (median of --runs runs, default 3).
// Needs IDDIO_TEST_DATABASE_URL or --database postgres://…, and `pnpm build` first.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type pg from "pg";
import {
  auditEventsDdl,
  insertRawLines,
} from "../packages/source-postgres/src/test-support/audit-events-table.ts";
import { benchHome, CACHE, exportArgs, measure, median, printTable, ROOT } from "./bench-support.ts";

const SCHEMA = "iddio_bench";
const ORG = "bench";

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(flag("--runs") ?? 3);
const events = Number(flag("--events") ?? 1_000_000);
const database = flag("--database") ?? process.env.IDDIO_TEST_DATABASE_URL;
if (!database) {
  console.error(
    "bench:postgres: set IDDIO_TEST_DATABASE_URL or pass --database postgres://… (see .ci/run for a throwaway server)",
  );
  process.exit(2);
}
if (
  !existsSync(join(ROOT, "apps/cli/dist/main.js")) ||
  !existsSync(join(ROOT, "packages/source-postgres/dist/index.js"))
) {
  console.error("bench:postgres: build first (pnpm build)");
  process.exit(2);
}
const { Client } = createRequire(join(ROOT, "packages/source-postgres/package.json"))("pg") as typeof pg;
const url = new URL(database);
url.searchParams.set("options", `-c search_path=${SCHEMA}`);
const source = url.toString();

/** The log files of a home in chain order, found by following prev_hash from genesis. */
function chainOrder(dir: string): string[] {
  const heads = readdirSync(dir)
    .filter((n) => /^audit.*\.jsonl$/.test(n))
    .map((name) => {
      const text = readFileSync(join(dir, name), "utf8");
      const first = JSON.parse(text.slice(0, text.indexOf("\n"))) as { prev_hash: string };
      const body = text.trimEnd();
      const last = JSON.parse(body.slice(body.lastIndexOf("\n") + 1)) as { hash: string };
      return { name, prev: first.prev_hash, last: last.hash };
    });
  const order: string[] = [];
  for (let prev = "genesis"; order.length < heads.length; ) {
    const next = heads.find((h) => h.prev === prev);
    if (!next) throw new Error(`bench:postgres: no file continues the chain after ${prev}`);
    order.push(next.name);
    prev = next.last;
  }
  return order;
}

async function load(dir: string): Promise<number> {
  const client = new Client({ connectionString: database });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(`SET search_path TO ${SCHEMA}`);
    const marker = `simulator events=${events} seed=7`;
    const cached = await client.query(
      "SELECT obj_description(to_regclass('audit_events'), 'pg_class') AS note",
    );
    if (cached.rows[0]?.note === marker) {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM audit_events WHERE org_id = $1", [
        ORG,
      ]);
      console.error(
        `bench:postgres: ${rows[0].n.toLocaleString("en-US")} rows already loaded in ${SCHEMA}.audit_events`,
      );
      return rows[0].n;
    }
    await client.query("DROP TABLE IF EXISTS audit_events");
    await client.query(auditEventsDdl());
    const start = Date.now();
    let rows = 0;
    for (const name of chainOrder(dir)) {
      const lines = readFileSync(join(dir, name), "utf8")
        .split("\n")
        .filter((l) => l.length > 0);
      for (let i = 0; i < lines.length; i += 20_000)
        await insertRawLines(client, ORG, lines.slice(i, i + 20_000));
      rows += lines.length;
    }
    await client.query("ANALYZE audit_events");
    await client.query(`COMMENT ON TABLE audit_events IS '${marker}'`);
    console.error(
      `bench:postgres: loaded ${rows.toLocaleString("en-US")} rows in ${((Date.now() - start) / 1000).toFixed(1)} s`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

const dir = benchHome(events, "bench:postgres");
const rows = await load(dir);
const out = join(CACHE, "out-postgres");
const jobs: [string, string, string[]][] = [
  ["postgres", "verify", ["verify", "--source", source, "--org", ORG]],
  ["postgres", "export", exportArgs(["--source", source, "--org", ORG, "--home", dir], out)],
  ["jsonl", "verify", ["verify", "--source", dir]],
  ["jsonl", "export", exportArgs(["--source", dir], out)],
];
const table: string[][] = [];
for (const [from, job, argv] of jobs) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    rmSync(out, { recursive: true, force: true });
    results.push(measure(argv));
  }
  const seconds = median(results.map((r) => r.seconds));
  table.push([
    from,
    job,
    rows.toLocaleString("en-US"),
    `${seconds.toFixed(2)} s`,
    Math.round(rows / seconds).toLocaleString("en-US"),
    `${(median(results.map((r) => r.rss)) / 2 ** 20).toFixed(0)} MB`,
  ]);
}
rmSync(out, { recursive: true, force: true });
printTable(
  `iddio-compliance PostgreSQL benchmark (${runs} runs each, median; node ${process.version}; ${new URL(database).host})`,
  ["source", "job", "events", "wall (median)", "events/s", "peak RSS"],
  table,
  [0, 1],
);
