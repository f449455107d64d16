// `pnpm bench`: generates (and caches in .bench/) simulator logs of 100k and 1M events (10M with
// --large), then times `verify` and `export --format json` on each with the built CLI, and prints
// wall time, events/s, MB/s and peak RSS (median of --runs runs, default 3), next to two
// baselines measured on the same files in the same run: `openssl dgst -sha256` over every byte
// (the floor) and a naive single-threaded JS verifier that re-serialises each event Go-style.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CACHE = join(ROOT, ".bench");
const CLI = join(ROOT, "apps/cli/bin/iddio-compliance.js");
const RSS_HOOK = join(ROOT, "scripts/report-rss.mjs");
const NAIVE = join(ROOT, "scripts/naive-verify.mjs");

const args = process.argv.slice(2);
const large = args.includes("--large");
const runsArg = args.indexOf("--runs");
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 3;
const sizes = [100_000, 1_000_000, ...(large ? [10_000_000] : [])];

if (!existsSync(join(ROOT, "apps/cli/dist/main.js"))) {
  console.error("bench: build first (pnpm build)");
  process.exit(2);
}
mkdirSync(CACHE, { recursive: true });

interface Measure {
  seconds: number;
  rss: number;
}

function home(events: number): string {
  const dir = join(CACHE, `home-${events}`);
  if (existsSync(join(dir, ".complete"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  console.error(
    `bench: generating ${events.toLocaleString("en-US")} events in ${dir} (cached for next time)…`,
  );
  const r = spawnSync(
    process.execPath,
    [CLI, "sample", "--output", dir, "--events", String(events), "--seed", "7", "--plain"],
    { stdio: "inherit" },
  );
  if (r.status !== 0) process.exit(r.status ?? 2);
  spawnSync("touch", [join(dir, ".complete")]);
  return dir;
}

function logBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir))
    if (/^audit.*\.jsonl(\.gz)?$/.test(name)) total += statSync(join(dir, name)).size;
  return total;
}

function countEvents(dir: string): number {
  const r = spawnSync(process.execPath, [CLI, "verify", "--json", "--source", dir], { maxBuffer: 1 << 28 });
  return (JSON.parse(r.stdout.toString()) as { total_events: number }).total_events;
}

function measure(argv: string[]): Measure {
  const rssFile = join(CACHE, "rss.txt");
  rmSync(rssFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--import", RSS_HOOK, CLI, ...argv], {
    env: { ...process.env, IDDIO_BENCH_RSS_FILE: rssFile },
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench: ${argv.join(" ")} failed: ${r.stderr}`);
  return { seconds, rss: Number(readFileSync(rssFile, "utf8")) };
}

/** Log files in chain order (the simulator names rotated files by time; audit.jsonl is the newest). */
function chainFiles(dir: string): string[] {
  const names = readdirSync(dir).filter((n) => /^audit.*\.jsonl(\.gz)?$/.test(n));
  return names
    .sort((a, b) => (a === "audit.jsonl" ? 1 : b === "audit.jsonl" ? -1 : a < b ? -1 : 1))
    .map((n) => join(dir, n));
}

function timeCommand(command: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Measure {
  const rssFile = join(CACHE, "rss.txt");
  rmSync(rssFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(command, argv, { env: { ...env, IDDIO_BENCH_RSS_FILE: rssFile }, maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`bench: ${command} ${argv.join(" ")} failed: ${r.stderr}`);
  return { seconds, rss: existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : 0 };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const rows: string[][] = [];
for (const size of sizes) {
  const dir = home(size);
  const events = countEvents(dir);
  const bytes = logBytes(dir);
  const times: Partial<Record<"verify" | "export", number>> = {};
  for (const job of ["verify", "export"] as const) {
    const results: Measure[] = [];
    for (let i = 0; i < runs; i++) {
      const out = join(CACHE, "out");
      rmSync(out, { recursive: true, force: true });
      const argv =
        job === "verify"
          ? ["verify", "--source", dir]
          : [
              "export",
              "--format",
              "json",
              "--source",
              dir,
              "--from",
              "2026-01-01",
              "--to",
              "2026-03-31",
              "--output",
              out,
            ];
      results.push(measure(argv));
    }
    const seconds = median(results.map((r) => r.seconds));
    const rss = median(results.map((r) => r.rss));
    times[job] = seconds;
    rows.push([
      size.toLocaleString("en-US"),
      job,
      `${seconds.toFixed(2)} s`,
      Math.round(events / seconds).toLocaleString("en-US"),
      (bytes / 1e6 / seconds).toFixed(1),
      `${(rss / 2 ** 20).toFixed(0)} MB`,
      "",
    ]);
  }
  // Baselines on the same files in the same run: the floor (read and hash every byte once) and the
  // naive re-serialising verifier (iddio's own way of checking, single thread).
  const files = chainFiles(dir);
  const floor = median(
    Array.from(
      { length: runs },
      () =>
        timeCommand("sh", [
          "-c",
          `cat ${files.map((f) => `'${f}'`).join(" ")} | openssl dgst -sha256 > /dev/null`,
        ]).seconds,
    ),
  );
  rows.push([
    size.toLocaleString("en-US"),
    "openssl dgst (floor)",
    `${floor.toFixed(2)} s`,
    Math.round(events / floor).toLocaleString("en-US"),
    (bytes / 1e6 / floor).toFixed(1),
    "",
    `verify = ${((times.verify ?? 0) / floor).toFixed(1)}x floor`,
  ]);
  if (size <= 1_000_000) {
    const naive = median(
      Array.from(
        { length: Math.min(runs, 2) },
        () => timeCommand(process.execPath, ["--import", RSS_HOOK, NAIVE, ...files]).seconds,
      ),
    );
    rows.push([
      size.toLocaleString("en-US"),
      "naive JS verifier",
      `${naive.toFixed(2)} s`,
      Math.round(events / naive).toLocaleString("en-US"),
      (bytes / 1e6 / naive).toFixed(1),
      "",
      `verify is ${(naive / (times.verify ?? 1)).toFixed(1)}x faster`,
    ]);
  }
  rows.push([
    size.toLocaleString("en-US"),
    "export / verify",
    `${((times.export ?? 0) / (times.verify ?? 1)).toFixed(2)}x`,
    "",
    "",
    "",
    "",
  ]);
}

const header = ["events", "job", "wall (median)", "events/s", "MB/s (stored)", "peak RSS", "ratio"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => (i === 1 || i === 6 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
    .join("  ");
console.log(`\niddio-compliance benchmark (${runs} runs each, median; node ${process.version})\n`);
console.log(line(header));
for (const r of rows) console.log(line(r));
