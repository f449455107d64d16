// Shared by `pnpm bench`, `pnpm bench --history` and `pnpm bench:postgres`: the cached simulator homes, timing the built
// CLI with its peak RSS, medians and the printed table.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const CACHE = join(ROOT, ".bench");
export const CLI = join(ROOT, "apps/cli/bin/iddio-compliance.js");
export const RSS_HOOK = join(ROOT, "scripts/report-rss.mjs");

/** Wall time and peak RSS of one run. */
export interface Measure {
  seconds: number;
  rss: number;
}

/** Exits with a message when the CLI has not been built. */
export function requireBuild(label: string): void {
  if (!existsSync(join(ROOT, "apps/cli/dist/main.js"))) {
    console.error(`${label}: build first (pnpm build)`);
    process.exit(2);
  }
}

/** The simulator home of `events` events (seed 7, plain rotated files), generated once and cached. */
export function benchHome(events: number, label: string): string {
  const dir = join(CACHE, `home-${events}`);
  if (existsSync(join(dir, ".complete"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  console.error(
    `${label}: generating ${events.toLocaleString("en-US")} events in ${dir} (cached for next time)…`,
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

/** Runs a command (by default the built CLI with `argv`) and measures it; exit 1 (not verified) counts as a run. */
export function measure(
  argv: string[],
  command: string[] = [process.execPath, "--import", RSS_HOOK, CLI],
): Measure {
  const rssFile = join(CACHE, "rss.txt");
  rmSync(rssFile, { force: true });
  const [bin, ...pre] = command as [string, ...string[]];
  const start = process.hrtime.bigint();
  const r = spawnSync(bin, [...pre, ...argv], {
    env: { ...process.env, IDDIO_BENCH_RSS_FILE: rssFile },
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`bench: ${[bin, ...pre, ...argv].join(" ")} failed: ${r.stderr}`);
  return { seconds, rss: existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : 0 };
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The export arguments every benchmark uses. */
export function exportArgs(source: string[], out: string, from = "2026-01-01", to = "2026-03-31"): string[] {
  return ["export", "--format", "json", ...source, "--from", from, "--to", to, "--output", out];
}

/** Prints a table with a title; columns listed in `left` are left-aligned. */
export function printTable(title: string, header: string[], rows: string[][], left: number[] = []): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left.includes(i) ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join("  ");
  console.log(`\n${title}\n`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

/** Whether a file name is one of a home's audit log files, plain or gzipped. */
export const isLogFile = (name: string) => /^audit.*\.jsonl(\.gz)?$/.test(name);

/** A home's log file names in chain order (the simulator names rotated files by time; audit.jsonl is the newest). */
export function chainFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter(isLogFile)
    .sort((a, b) => (a === "audit.jsonl" ? 1 : b === "audit.jsonl" ? -1 : a < b ? -1 : 1));
}
