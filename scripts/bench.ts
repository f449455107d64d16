// `pnpm bench`: generates (and caches in .bench/) simulator logs of 100k and 1M events (10M with
// --large; --history runs scripts/bench-history.ts instead), then times `verify`, `export --format json` of the quarter (also with the period's
// Merkle tree turned off, scripts/no-merkle.mjs, to state its cost) and of one month on each
// with the built CLI (taking turns within each run; export ratios are per-run medians), and prints
// wall time, events/s, MB/s and peak RSS (median of --runs runs, default 3), next to two
// baselines measured on the same files in the same run: `openssl dgst -sha256` over every byte
// (the floor) and a naive single-threaded JS verifier that re-serialises each event Go-style.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  benchHome,
  CACHE,
  CLI,
  chainFiles,
  exportArgs,
  isLogFile,
  measure,
  median,
  printTable,
  ROOT,
  RSS_HOOK,
  requireBuild,
} from "./bench-support.ts";

// `pnpm bench --history`: a year's log, its last month exported in full and resumed (bench-history.ts).
if (process.argv.includes("--history")) {
  await import("./bench-history.ts");
  process.exit(0);
}

const NAIVE = join(ROOT, "scripts/naive-verify.mjs");
// The same build with the period's Merkle tree turned into no-ops: what the tree costs the export.
const NO_MERKLE = [
  process.execPath,
  "--import",
  RSS_HOOK,
  "--import",
  join(ROOT, "scripts/no-merkle.mjs"),
  CLI,
];
const args = process.argv.slice(2);
const runsArg = args.indexOf("--runs");
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 3;
const sizes = [100_000, 1_000_000, ...(args.includes("--large") ? [10_000_000] : [])];
requireBuild("bench");

function logBytes(dir: string): number {
  return readdirSync(dir)
    .filter(isLogFile)
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

function countEvents(dir: string): number {
  const r = spawnSync(process.execPath, [CLI, "verify", "--json", "--source", dir], { maxBuffer: 1 << 28 });
  return (JSON.parse(r.stdout.toString()) as { total_events: number }).total_events;
}

const medianOf = (n: number, run: () => number) => median(Array.from({ length: n }, run));
const rows: string[][] = [];
for (const size of sizes) {
  const dir = benchHome(size, "bench");
  const events = countEvents(dir);
  const bytes = logBytes(dir);
  const label = size.toLocaleString("en-US");
  const row = (job: string, seconds: number, rss: number | null, ratio: string) => [
    label,
    job,
    `${seconds.toFixed(2)} s`,
    Math.round(events / seconds).toLocaleString("en-US"),
    (bytes / 1e6 / seconds).toFixed(1),
    rss === null ? "" : `${(rss / 2 ** 20).toFixed(0)} MB`,
    ratio,
  ];
  const out = join(CACHE, "out");
  // The jobs take turns within each run, so a slow spell of the machine weighs on all of them alike.
  const jobs: Record<string, string[]> = {
    verify: ["verify", "--source", dir],
    export: exportArgs(["--source", dir], out),
    "export, no Merkle root": exportArgs(["--source", dir], out),
    "export, one month": exportArgs(["--source", dir], out, "2026-02-01", "2026-02-28"),
  };
  const results: Record<string, { seconds: number; rss: number }[]> = Object.fromEntries(
    Object.keys(jobs).map((job) => [job, []]),
  );
  for (let run = 0; run < runs; run++) {
    for (const [job, args] of Object.entries(jobs)) {
      rmSync(out, { recursive: true, force: true });
      results[job]?.push(job === "export, no Merkle root" ? measure(args, NO_MERKLE) : measure(args));
    }
  }
  const times: Record<string, number> = {};
  for (const [job, measured] of Object.entries(results)) {
    times[job] = median(measured.map((r) => r.seconds));
    // Each run's export against the verify of the same run, then the median of those ratios.
    const over = (base: string) =>
      median(measured.map((r, i) => r.seconds / (results[base]?.[i]?.seconds ?? Number.NaN))).toFixed(3);
    const ratio =
      job === "verify"
        ? ""
        : job === "export"
          ? `${over("verify")}x verify; ${over("export, no Merkle root")}x the export without its Merkle root`
          : `${over("verify")}x verify`;
    rows.push(row(job, times[job] as number, median(measured.map((r) => r.rss)), ratio));
  }
  // Baselines on the same files in the same run: the floor (read and hash every byte once) and the
  // naive re-serialising verifier (iddio's own way of checking, single thread).
  const files = chainFiles(dir).map((n) => join(dir, n));
  const cat = `cat ${files.map((f) => `'${f}'`).join(" ")} | openssl dgst -sha256 > /dev/null`;
  const floor = medianOf(runs, () => measure([], ["sh", "-c", cat]).seconds);
  rows.push(
    row(
      "openssl dgst (floor)",
      floor,
      null,
      `verify = ${((times.verify as number) / floor).toFixed(1)}x floor`,
    ),
  );
  if (size <= 1_000_000) {
    const naive = medianOf(
      Math.min(runs, 2),
      () => measure(files, [process.execPath, "--import", RSS_HOOK, NAIVE]).seconds,
    );
    rows.push(
      row(
        "naive JS verifier",
        naive,
        null,
        `verify is ${(naive / (times.verify as number)).toFixed(1)}x faster`,
      ),
    );
  }
}
rmSync(join(CACHE, "out"), { recursive: true, force: true });
printTable(
  `iddio-compliance benchmark (${runs} runs each, median; node ${process.version})`,
  ["events", "job", "wall (median)", "events/s", "MB/s (stored)", "peak RSS", "ratio"],
  rows,
  [1, 6],
);
