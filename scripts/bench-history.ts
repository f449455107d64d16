// `pnpm bench --history`: what a checkpoint saves (issue 14). A simulator log of a whole year
// (--events, default 12,000,000, seed 7, plain rotated files; cached in .bench/), and its last
// month, December, exported three ways in turn within each run (--runs, default 3): in full
// (reading the year), resumed from November's package (exported once, cached), and — the floor a
// resumed export is held to — `verify` of December's lines alone (the log after November's
// checkpoint, copied once into a file of its own). Prints medians, peak RSS and the medians of the
// per-run ratios. With IDDIO_TEST_DATABASE_URL (or --database) the same over PostgreSQL: the year's
// rows loaded for three organisations (--pg-events per organisation, default a third of --events),
// plus an organisation holding December's rows alone for the floor.
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type pg from "pg";
import {
  auditEventsDdl,
  insertRawLines,
} from "../packages/source-postgres/src/test-support/audit-events-table.ts";
import {
  CACHE,
  CLI,
  chainFiles,
  exportArgs,
  measure,
  median,
  printTable,
  ROOT,
  requireBuild,
} from "./bench-support.ts";

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(flag("--runs") ?? 3);
const events = Number(flag("--events") ?? 12_000_000);
const pgEvents = Number(flag("--pg-events") ?? Math.round(events / 3));
const database = flag("--database") ?? process.env.IDDIO_TEST_DATABASE_URL;
requireBuild("bench --history");

/** A year of `n` events, generated once. */
function yearHome(n: number): string {
  const dir = join(CACHE, `history-${n}`);
  if (existsSync(join(dir, ".complete"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  console.error(`bench --history: generating ${n.toLocaleString("en-US")} events over 2026 in ${dir}…`);
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      "sample",
      "--output",
      dir,
      "--events",
      String(n),
      "--seed",
      "7",
      "--plain",
      "--from",
      "2026-01-01",
      "--to",
      "2026-12-31",
    ],
    { stdio: "inherit" },
  );
  if (r.status !== 0) process.exit(r.status ?? 2);
  writeFileSync(join(dir, ".complete"), "");
  return dir;
}

/** Runs the CLI once (setup, not timed); exits on failure other than an unverified chain. */
function cli(argv: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...argv], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0 && r.status !== 1) process.exit(r.status ?? 2);
}

/** The checkpoint's position in a package (`checkpoint.json`). */
function positionOf(pkg: string): {
  segment: string;
  offset: number | null;
  line: number;
  row_key: string | null;
} {
  return JSON.parse(readFileSync(join(pkg, "checkpoint.json"), "utf8")).position;
}

/** Copies the log after a file position (the rest of `segment` from `offset`, then the later files) into one file. */
function tailFrom(home: string, segment: string, offset: number, out: string): number {
  const files = chainFiles(home);
  const fd = openSync(out, "w");
  const buffer = Buffer.allocUnsafe(8 << 20);
  let lines = 0;
  try {
    for (const name of files.slice(files.indexOf(segment))) {
      const input = openSync(join(home, name), "r");
      let at = name === segment ? offset : 0;
      for (
        let n = readSync(input, buffer, 0, buffer.length, at);
        n > 0;
        n = readSync(input, buffer, 0, buffer.length, at)
      ) {
        writeSync(fd, buffer, 0, n);
        for (let i = 0; i < n; i++) if (buffer[i] === 0x0a) lines++;
        at += n;
      }
      closeSync(input);
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

type Job = { name: string; argv: string[]; lines: number };

/** Runs the jobs in turn, `runs` times; returns the table rows and prints nothing. */
function bench(label: string, jobs: Job[], floor: string, resumed: string, full: string): string[][] {
  const results = new Map<string, { seconds: number; rss: number }[]>(jobs.map((j) => [j.name, []]));
  const out = join(CACHE, "out-history");
  for (let run = 0; run < runs; run++)
    for (const job of jobs) {
      rmSync(out, { recursive: true, force: true });
      results.get(job.name)?.push(measure(job.argv.map((a) => (a === "$OUT" ? out : a))));
    }
  rmSync(out, { recursive: true, force: true });
  const of = (name: string) => results.get(name) ?? [];
  const ratio = (a: string, b: string) =>
    median(of(a).map((r, i) => r.seconds / (of(b)[i]?.seconds ?? Number.NaN)));
  return jobs.map((job) => {
    const seconds = median(of(job.name).map((r) => r.seconds));
    const note =
      job.name === resumed
        ? `${ratio(resumed, floor).toFixed(2)}x the month-only verify; ${ratio(full, resumed).toFixed(1)}x faster than the full pass`
        : job.name === full
          ? `${ratio(full, floor).toFixed(1)}x the month-only verify`
          : "";
    return [
      label,
      job.name,
      job.lines.toLocaleString("en-US"),
      `${seconds.toFixed(2)} s`,
      Math.round(job.lines / seconds).toLocaleString("en-US"),
      `${(median(of(job.name).map((r) => r.rss)) / 2 ** 20).toFixed(0)} MB`,
      note,
    ];
  });
}

const rows: string[][] = [];

// Files: the year, November's package, December's lines alone.
const home = yearHome(events);
const november = join(CACHE, `history-${events}-november`);
if (!existsSync(join(november, "summary.json"))) {
  console.error("bench --history: exporting November in full once (the checkpoint resumed from)…");
  cli(exportArgs(["--source", home], november, "2026-11-01", "2026-11-30"));
}
const totalLines = cached(join(CACHE, `history-${events}-lines`), () => countLines(home));
const monthDir = join(CACHE, `history-${events}-december-lines`);
const position = positionOf(november);
let monthLines: number;
if (!existsSync(join(monthDir, ".complete"))) {
  rmSync(monthDir, { recursive: true, force: true });
  mkdirSync(monthDir, { recursive: true });
  monthLines = tailFrom(home, position.segment, position.offset ?? 0, join(monthDir, "audit.jsonl"));
  writeFileSync(join(monthDir, ".complete"), String(monthLines));
} else monthLines = Number(readFileSync(join(monthDir, ".complete"), "utf8"));
rows.push(
  ...bench(
    "files",
    [
      {
        name: "export December, full pass",
        argv: exportArgs(["--source", home], "$OUT", "2026-12-01", "2026-12-31"),
        lines: totalLines,
      },
      {
        name: "export December, resumed",
        argv: [
          ...exportArgs(["--source", home], "$OUT", "2026-12-01", "2026-12-31"),
          "--resume-from",
          november,
        ],
        lines: monthLines,
      },
      { name: "verify December's lines alone", argv: ["verify", "--source", monthDir], lines: monthLines },
    ],
    "verify December's lines alone",
    "export December, resumed",
    "export December, full pass",
  ),
);

/** A number computed once and kept in `file`. */
function cached(file: string, compute: () => number): number {
  if (existsSync(file)) return Number(readFileSync(file, "utf8"));
  const value = compute();
  writeFileSync(file, String(value));
  return value;
}

function countLines(dir: string): number {
  const buffer = Buffer.allocUnsafe(8 << 20);
  let lines = 0;
  for (const name of chainFiles(dir)) {
    const fd = openSync(join(dir, name), "r");
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer))
      for (let i = 0; i < n; i++) if (buffer[i] === 0x0a) lines++;
    closeSync(fd);
  }
  return lines;
}

// PostgreSQL: three organisations' years, and one holding December's rows alone.
if (database) {
  const SCHEMA = "iddio_bench_history";
  const ORGS = ["org-a", "org-b", "org-c"];
  const { Client } = createRequire(join(ROOT, "packages/source-postgres/package.json"))("pg") as typeof pg;
  const url = new URL(database);
  url.searchParams.set("options", `-c search_path=${SCHEMA}`);
  const source = url.toString();
  const pgHome = yearHome(pgEvents);
  const client = new Client({ connectionString: database });
  await client.connect();
  let rowsPerOrg: number;
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(`SET search_path TO ${SCHEMA}`);
    const marker = `simulator year events=${pgEvents} seed=7 orgs=${ORGS.join(",")}`;
    const note = await client.query(
      "SELECT obj_description(to_regclass('audit_events'), 'pg_class') AS note",
    );
    if (note.rows[0]?.note !== marker) {
      await client.query("DROP TABLE IF EXISTS audit_events");
      await client.query(auditEventsDdl());
      const start = Date.now();
      let loaded = 0;
      // File by file (memory stays at one file); the organisations' rows interleave in chunks.
      for (const name of chainFiles(pgHome)) {
        const lines = readFileSync(join(pgHome, name), "utf8")
          .split("\n")
          .filter((l) => l.length > 0);
        for (let i = 0; i < lines.length; i += 20_000)
          for (const org of ORGS) await insertRawLines(client, org, lines.slice(i, i + 20_000));
        loaded += lines.length * ORGS.length;
      }
      await client.query("ANALYZE audit_events");
      await client.query(`COMMENT ON TABLE audit_events IS '${marker}'`);
      console.error(
        `bench --history: loaded ${loaded.toLocaleString("en-US")} rows in ${((Date.now() - start) / 1000).toFixed(0)} s`,
      );
    }
    rowsPerOrg = Number(
      (await client.query("SELECT count(*) AS n FROM audit_events WHERE org_id = $1", [ORGS[0]])).rows[0].n,
    );
  } finally {
    await client.end();
  }
  const pgNovember = join(CACHE, `history-pg-${pgEvents}-november`);
  if (!existsSync(join(pgNovember, "summary.json"))) {
    console.error("bench --history: exporting November from PostgreSQL in full once…");
    cli(
      exportArgs(
        ["--source", source, "--org", ORGS[0] as string, "--home", pgHome],
        pgNovember,
        "2026-11-01",
        "2026-11-30",
      ),
    );
  }
  const key = positionOf(pgNovember).row_key;
  const c2 = new Client({ connectionString: database });
  await c2.connect();
  let pgMonth: number;
  try {
    await c2.query(`SET search_path TO ${SCHEMA}`);
    // December's rows alone, as an organisation of their own (the floor's verify reads only them).
    const marker = `month-only after ${key}`;
    const note = await c2.query(
      "SELECT obj_description(to_regclass('audit_events_org_id_seq_idx'), 'pg_class') AS note",
    );
    if (note.rows[0]?.note !== marker) {
      await c2.query("DELETE FROM audit_events WHERE org_id = 'org-month'");
      await c2.query(
        'INSERT INTO audit_events (org_id, raw_line, "timestamp", hash, prev_hash) SELECT \'org-month\', raw_line, "timestamp", hash, prev_hash FROM audit_events WHERE org_id = $1 AND seq > $2 ORDER BY seq',
        [ORGS[0], key],
      );
      await c2.query("ANALYZE audit_events");
      await c2.query(`COMMENT ON INDEX audit_events_org_id_seq_idx IS '${marker}'`);
    }
    pgMonth = Number(
      (await c2.query("SELECT count(*) AS n FROM audit_events WHERE org_id = 'org-month'")).rows[0].n,
    );
  } finally {
    await c2.end();
  }
  rows.push(
    ...bench(
      "postgres",
      [
        {
          name: "export December, full pass",
          argv: exportArgs(
            ["--source", source, "--org", ORGS[0] as string, "--home", pgHome],
            "$OUT",
            "2026-12-01",
            "2026-12-31",
          ),
          lines: rowsPerOrg,
        },
        {
          name: "export December, resumed",
          argv: [
            ...exportArgs(
              ["--source", source, "--org", ORGS[0] as string, "--home", pgHome],
              "$OUT",
              "2026-12-01",
              "2026-12-31",
            ),
            "--resume-from",
            pgNovember,
          ],
          lines: pgMonth,
        },
        {
          name: "verify December's rows alone",
          argv: ["verify", "--source", source, "--org", "org-month"],
          lines: pgMonth,
        },
      ],
      "verify December's rows alone",
      "export December, resumed",
      "export December, full pass",
    ),
  );
}

printTable(
  `iddio-compliance history benchmark: December of a year of ${events.toLocaleString("en-US")} events (${runs} runs each, taking turns; medians; node ${process.version})`,
  [
    "source",
    "job",
    "lines read",
    "wall (median)",
    "lines/s",
    "peak RSS",
    "ratio (medians of per-run ratios)",
  ],
  rows,
  [0, 1, 6],
);
