// Shared by `pnpm check:packages` and `pnpm check:outside-connector`: packing packages exactly as
// `pnpm publish` would upload them, and linting a packed tarball with publint and attw.
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BIN = join(ROOT, "node_modules/.bin");

/** One packed package: what `pnpm pack --json` reports. */
export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Paths inside the tarball, relative to its `package/` folder. */
  files: string[];
}

interface PackJson {
  name: string;
  version: string;
  filename: string;
  files: Array<{ path: string }>;
}

/** Runs a command, failing with its output when it exits non-zero; returns its stdout. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} (in ${cwd}) exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`,
    );
  return r.stdout;
}

/**
 * Packs every publishable package of the workspace (`pnpm -r pack`: `workspace:` and `catalog:`
 * ranges rewritten, `files` applied, private packages skipped) into `dest` as `<scope>-<name>.tgz`,
 * the file names docs/writing-a-connector.md uses.
 */
export function packWorkspace(dest: string): PackedPackage[] {
  const out = run("pnpm", ["-r", "pack", "--json", "--out", join(dest, "%s.tgz")], ROOT);
  return (JSON.parse(out) as PackJson[]).map(toPacked);
}

/** Packs the package in `dir` (running its `prepack` script) to `tarball`. */
export function packPackage(dir: string, tarball: string): PackedPackage {
  const out = run("pnpm", ["pack", "--json", "--out", tarball], dir);
  // `prepack` output comes first; the JSON object is the last thing printed.
  return toPacked(JSON.parse(out.slice(out.lastIndexOf("\n{") + 1)) as PackJson);
}

function toPacked(p: PackJson): PackedPackage {
  return { name: p.name, version: p.version, tarball: p.filename, files: p.files.map((f) => f.path) };
}

/**
 * Lints one packed tarball; returns the problems found (empty: it passes):
 * - publint `--strict`: `exports`, `types`, `files`, `bin` and the other fields point at files the
 *   tarball holds, in an order Node and bundlers honour;
 * - attw with the `.attw.json` of the repository root (profile `node16`, rule `cjs-resolves-to-esm`
 *   off; see scripts/check-packages.ts for why): every entry point's types resolve as its code does;
 * - every target of every `exports` condition is in the tarball, `dev-source` included (publint
 *   does not look at conditions it does not know);
 * - no test, test-support or fixture file is shipped.
 */
export function lintTarball(pkg: PackedPackage): string[] {
  const problems: string[] = [];
  const tools: Array<[string, string[]]> = [
    ["publint", ["run", pkg.tarball, "--strict", "--level", "suggestion"]],
    ["attw", [pkg.tarball, "--config-path", join(ROOT, ".attw.json"), "--format", "table-flipped"]],
  ];
  for (const [tool, args] of tools) {
    const r = spawnSync(join(BIN, tool), args, { cwd: ROOT, encoding: "utf8", env: { ...process.env } });
    if (r.status !== 0) problems.push(`${tool} failed:\n${r.stdout}${r.stderr}`);
  }
  const manifest = JSON.parse(
    execFileSync("tar", ["-xzOf", pkg.tarball, "package/package.json"], { encoding: "utf8" }),
  ) as { exports?: unknown };
  const files = new Set(pkg.files);
  for (const target of exportTargets(manifest.exports)) {
    const path = target.replace(/^\.\//, "");
    const found = path.includes("*")
      ? pkg.files.some((f) => f.startsWith(path.slice(0, path.indexOf("*"))))
      : files.has(path);
    if (!found) problems.push(`exports target ${target} is not in the tarball (add it to "files")`);
  }
  for (const file of pkg.files.filter((f) => TEST_FILE.test(f)))
    problems.push(`${file} is a test file (exclude it in "files")`);
  return problems;
}

const TEST_FILE = /(^|\/)(test-support|fixtures)\/|\.test\.[cm]?[jt]s$/;

/** Every file path an `exports` map names, under any condition. */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === "string") return [exports];
  if (exports === null || typeof exports !== "object") return [];
  return Object.values(exports).flatMap(exportTargets);
}
