// `pnpm bench`: generates (and caches in .bench/) simulator logs of 100k and 1M events (10M with
// --large), then times `verify` and `export --format json` on each with the built CLI, and prints
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
  exportArgs,
  measure,
  median,
  printTable,
  ROOT,
  RSS_HOOK,
  requireBuild,
} from "./bench-support.ts";

const NAIVE = join(ROOT, "scripts/naive-verify.mjs");
const args = process.argv.slice(2);
const runsArg = args.indexOf("--runs");
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 3;
const sizes = [100_000, 1_000_000, ...(args.includes("--large") ? [10_000_000] : [])];
requireBuild("bench");

const isLog = (name: string) => /^audit.*\.jsonl(\.gz)?$/.test(name);

function logBytes(dir: string): number {
  return readdirSync(dir)
    .filter(isLog)
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

function countEvents(dir: string): number {
  const r = spawnSync(process.execPath, [CLI, "verify", "--json", "--source", dir], { maxBuffer: 1 << 28 });
  return (JSON.parse(r.stdout.toString()) as { total_events: number }).total_events;
}

/** Log files in chain order (the simulator names rotated files by time; audit.jsonl is the newest). */
function chainFiles(dir: string): string[] {
  const names = readdirSync(dir).filter(isLog);
  return names
    .sort((a, b) => (a === "audit.jsonl" ? 1 : b === "audit.jsonl" ? -1 : a < b ? -1 : 1))
    .map((n) => join(dir, n));
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
  const times: Record<string, number> = {};
  for (const job of ["verify", "export"] as const) {
    const results = Array.from({ length: runs }, () => {
      rmSync(out, { recursive: true, force: true });
      return measure(job === "verify" ? ["verify", "--source", dir] : exportArgs(["--source", dir], out));
    });
    times[job] = median(results.map((r) => r.seconds));
    rows.push(row(job, times[job] as number, median(results.map((r) => r.rss)), ""));
  }
  // Baselines on the same files in the same run: the floor (read and hash every byte once) and the
  // naive re-serialising verifier (iddio's own way of checking, single thread).
  const files = chainFiles(dir);
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
  rows.push([
    label,
    "export / verify",
    `${((times.export as number) / (times.verify as number)).toFixed(2)}x`,
    "",
    "",
    "",
    "",
  ]);
}
rmSync(join(CACHE, "out"), { recursive: true, force: true });
printTable(
  `iddio-compliance benchmark (${runs} runs each, median; node ${process.version})`,
  ["events", "job", "wall (median)", "events/s", "MB/s (stored)", "peak RSS", "ratio"],
  rows,
  [1, 6],
);
