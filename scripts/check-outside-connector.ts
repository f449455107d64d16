// `pnpm check:outside-connector`: the path a third party takes to write, test and use a connector,
// from a clean state, while our packages are on no registry (issue 11 item 3):
//  1. build the workspace and `pnpm pack` every publishable package;
//  2. copy examples/connector-outside-the-repo to a temp folder, put the SDK and schema tarballs in
//     its vendor/, install (its own lockfile; only the tarballs' digests may differ from it), type
//     check it against the packed SDK's types and run the SDK's conformance kit on it (vitest);
//  3. `pnpm pack` the connector and lint its tarball as we lint ours (publint, attw);
//  4. install the packed CLI into a prefix of its own, as a user would, and the connector (with the
//     SDK and zod, its peers) with npm into a project folder beside a server.yaml;
//  5. `iddio-compliance push` a package exported from a sample home, and `iddio-compliance serve`
//     exporting last month and pushing it through the outbox, both to the example's loopback
//     filebox server, from a working directory that is not the project (so the connector is found
//     from the config file's folder); assert every file of the package arrived once, intact.
// Exits non-zero on the first failure, leaving the temp folder for a look.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { lintTarball, type PackedPackage, packPackage, packWorkspace, ROOT, run } from "./pack-support.ts";

const EXAMPLE = join(ROOT, "examples/connector-outside-the-repo");
const CONNECTOR = "@acme/iddio-connector-filebox";
const API_KEY = "fb_outside_key_5f2c9a";
const BUCKET = "evidence";

/** The fake filebox API of the example (test/fake-filebox-server.ts), as the copy exports it. */
interface FakeFilebox {
  url: string;
  requests(): ReadonlyArray<{
    method: string;
    path: string;
    headers: Record<string, string>;
    status?: number;
  }>;
  storedFiles(): readonly string[];
  close(): Promise<void>;
}

const started = performance.now();
const step = (what: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${what}`);
const fail = (message: string): never => {
  throw new Error(message);
};

/** The whole calendar month (UTC) before the current one. */
function lastMonth(now = new Date()): { from: string; to: string } {
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
  return { from: iso(first), to: iso(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 86_400_000) };
}

/** A lockfile with the digests of our `file:vendor/` tarballs blanked (they change with every build). */
const withoutVendorDigests = (lockfile: string) =>
  lockfile.replace(
    /integrity: sha512-[A-Za-z0-9+/=]+, tarball: file:vendor\//g,
    "integrity: …, tarball: file:vendor/",
  );

/** Installs the example in `dir` from the vendored tarballs and checks its lockfile is current. */
function installExample(dir: string, packed: Map<string, PackedPackage>): void {
  mkdirSync(join(dir, "vendor"));
  for (const name of ["@iddio-compliance/connector-sdk", "@iddio-compliance/schema"]) {
    const tarball = packed.get(name)?.tarball ?? fail(`${name} was not packed`);
    cpSync(tarball, join(dir, "vendor", basename(tarball)));
  }
  // Not frozen: the tarballs are new, so their digests in the lockfile are refreshed; everything
  // from the registry must stay exactly as the committed lockfile pins it.
  run("pnpm", ["install", "--no-frozen-lockfile", "--prefer-offline"], dir);
  const committed = readFileSync(join(EXAMPLE, "pnpm-lock.yaml"), "utf8");
  if (
    withoutVendorDigests(readFileSync(join(dir, "pnpm-lock.yaml"), "utf8")) !==
    withoutVendorDigests(committed)
  )
    fail(
      `examples/connector-outside-the-repo/pnpm-lock.yaml is out of date: pack the SDK and schema into its vendor/ and run pnpm install there (docs/writing-a-connector.md), then commit the lockfile`,
    );
}

/** Installs the packed CLI into `prefix` as a user would (every @iddio-compliance/* from the tarballs); returns its bin. */
function installCli(prefix: string, packed: Map<string, PackedPackage>): string {
  mkdirSync(prefix);
  const tarball = (name: string) => `file:${packed.get(name)?.tarball ?? fail(`${name} was not packed`)}`;
  writeFileSync(
    join(prefix, "package.json"),
    JSON.stringify({
      private: true,
      dependencies: { "@iddio-compliance/cli": tarball("@iddio-compliance/cli") },
    }),
  );
  const overrides = [...packed.keys()].map((name) => `  "${name}": "${tarball(name)}"\n`).join("");
  writeFileSync(join(prefix, "pnpm-workspace.yaml"), `overrides:\n${overrides}`);
  run("pnpm", ["install", "--no-frozen-lockfile", "--prefer-offline"], prefix);
  return join(prefix, "node_modules/.bin/iddio-compliance");
}

/** Runs a command without blocking this process (the fake filebox answers from it meanwhile); returns its stdout. */
function runAsync(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${out}`)),
    );
  });
}

/** Every file of an evidence package folder with its sha256, by name. */
function packageFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir))
    files.set(
      name,
      createHash("sha256")
        .update(readFileSync(join(dir, name)))
        .digest("hex"),
    );
  return files;
}

/** Asserts the fake stored exactly the files of `pkgDir`, once each, under the package's period, intact. */
function assertArrived(fake: FakeFilebox, pkgDir: string, period: { from: string; to: string }, who: string) {
  const summary = JSON.parse(readFileSync(join(pkgDir, "summary.json"), "utf8")) as {
    manifest: Array<{ file: string; sha256: string }>;
  };
  const onDisk = packageFiles(pkgDir);
  const expected = [...summary.manifest.map((m) => m.file), "summary.json"].sort();
  const stored = [...fake.storedFiles()].sort();
  if (JSON.stringify(stored) !== JSON.stringify(expected))
    fail(`${who}: filebox stored ${JSON.stringify(stored)}, expected ${JSON.stringify(expected)}`);
  for (const name of expected) {
    const prefix = `/buckets/${BUCKET}/files/${period.from}_${period.to}/`;
    const puts = fake
      .requests()
      .filter((r) => r.method === "PUT" && r.path === prefix + name && r.status === 200);
    // The fake answers 200 only when the body's sha256 matches this header; compare it with the file on disk.
    if (puts.length !== 1 || puts[0]?.headers["x-content-sha256"] !== onDisk.get(name))
      fail(`${who}: ${name} did not arrive exactly once with the bytes of ${join(pkgDir, name)}`);
  }
  console.log(`  ${who}: ${expected.length} files arrived once each, intact`);
}

/** Runs `serve` until the outbox delivered last month's package, checks /healthz, then stops it with SIGTERM (exit 0). */
async function serveUntilDelivered(
  cli: string,
  config: string,
  env: Record<string, string>,
  cwd: string,
  state: string,
): Promise<void> {
  const child: ChildProcess = spawn(cli, ["serve", "--config", config], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  try {
    const ledger = join(state, "ledger.jsonl");
    // Bounded: 1200 polls of 100 ms (2 minutes) for an export of one month and one push.
    for (let i = 0; ; i++) {
      const delivered =
        existsSync(ledger) &&
        readFileSync(ledger, "utf8")
          .split("\n")
          .some((line) => line.includes('"event":"push.delivered"'));
      if (delivered) break;
      if (child.exitCode !== null || i === 1200)
        fail(`serve did not deliver last month's package (exit ${child.exitCode}):\n${stderr}`);
      await sleep(100);
    }
    const url =
      /serving \/healthz and \/metrics on (http:\/\/[^"\s]+)/.exec(stderr)?.[1] ??
      fail(`serve never logged its /healthz address:\n${stderr}`);
    const health = (await fetch(`${url}/healthz`).then((r) => r.json())) as {
      status: string;
      pending_pushes: number;
    };
    if (health.pending_pushes !== 0)
      fail(`serve: /healthz still counts pending pushes: ${JSON.stringify(health)}`);
  } finally {
    child.kill("SIGTERM");
  }
  // SIGTERM drains for at most compliance.drain_timeout_seconds (30 s); past a minute, stop it.
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await exited;
  clearTimeout(killer);
  if (code !== 0) fail(`serve exited ${code} on SIGTERM:\n${stderr}`);
}

const tmp = mkdtempSync(join(tmpdir(), "iddio-outside-connector-"));
let fake: FakeFilebox | undefined;
try {
  step("building the workspace (pnpm build)");
  run("pnpm", ["build"], ROOT);

  step("packing every publishable package (pnpm -r pack)");
  const packed = new Map(packWorkspace(join(tmp, "packs")).map((p) => [p.name, p]));

  step(`installing ${CONNECTOR} from its own lockfile and our tarballs`);
  const example = join(tmp, "acme-filebox");
  cpSync(EXAMPLE, example, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|dist|vendor)$|\.tgz$/.test(src),
  });
  installExample(example, packed);

  step("type checking it against the packed SDK and running the conformance kit (vitest)");
  run("pnpm", ["run", "typecheck"], example);
  const kit = run("pnpm", ["run", "test"], example, { NO_COLOR: "1" });
  console.log(`  ${/Tests\s+\d+ passed[^\n]*/.exec(kit)?.[0] ?? "conformance kit passed"}`);

  step("packing the connector and linting its tarball (publint, attw)");
  const connector = packPackage(example, join(tmp, "acme-iddio-connector-filebox.tgz"));
  const problems = lintTarball(connector);
  if (problems.length > 0) fail(`${CONNECTOR}:\n${problems.join("\n")}`);

  step("installing the packed CLI into its own prefix (pnpm, from the tarballs)");
  const cli = installCli(join(tmp, "cli"), packed);

  step("installing the connector beside server.yaml (npm install ./….tgz)");
  const project = join(tmp, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ private: true }));
  const sdk = packed.get("@iddio-compliance/connector-sdk")?.tarball ?? fail("the SDK was not packed");
  const schema = packed.get("@iddio-compliance/schema")?.tarball ?? fail("the schema was not packed");
  run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", connector.tarball, sdk, schema, "zod@^4.1.0"],
    project,
  );

  step("exporting last month of a sample home with the installed CLI");
  const period = lastMonth();
  const home = join(tmp, "home");
  run(cli, ["sample", "--output", home, "--events", "2000", "--from", period.from, "--to", period.to], tmp);
  const evidence = join(tmp, "evidence");
  run(cli, ["export", "--source", home, "--from", period.from, "--to", period.to, "--output", evidence], tmp);

  const { startFakeFilebox } = (await import(
    pathToFileURL(join(example, "test/fake-filebox-server.ts")).href
  )) as {
    startFakeFilebox(apiKey: string, bucket: string): Promise<FakeFilebox>;
  };
  const state = join(tmp, "state");
  const store = join(tmp, "store");
  const config = join(project, "server.yaml");
  writeFileSync(
    config,
    `compliance:
  source: { audit_log: "${home}" }
  timezone: UTC
  state_dir: "${state}"
  listen: 127.0.0.1:0
  auto_export:
    enabled: true
    period: previous_month
    backfill_from: "${period.from}"
    storage: "${pathToFileURL(store).href}/"
  connectors:
    - type: "${CONNECTOR}"
      base_url: \${FILEBOX_URL}
      api_key: \${FILEBOX_API_KEY}
      bucket: ${BUCKET}
`,
  );
  // Neither the CLI's prefix nor the project: the connector must be found from server.yaml's folder.
  const elsewhere = join(tmp, "elsewhere");
  mkdirSync(elsewhere);

  step(`iddio-compliance push ${basename(evidence)} --config project/server.yaml`);
  fake = await startFakeFilebox(API_KEY, BUCKET);
  const env = { FILEBOX_URL: fake.url, FILEBOX_API_KEY: API_KEY };
  // The guide's dry run first: the connector is loaded and planned, nothing is sent.
  await runAsync(
    cli,
    ["push", evidence, "--config", config, "--connector", CONNECTOR, "--dry-run"],
    elsewhere,
    env,
  );
  if (fake.requests().length > 0) fail("push --dry-run sent requests");
  const pushed = await runAsync(cli, ["push", evidence, "--config", config], elsewhere, env);
  console.log(pushed.trimEnd().replace(/^/gm, "  "));
  assertArrived(fake, evidence, period, "push");
  await fake.close();

  step(
    "iddio-compliance serve --config project/server.yaml (exports last month, pushes it through the outbox)",
  );
  fake = await startFakeFilebox(API_KEY, BUCKET);
  await serveUntilDelivered(
    cli,
    config,
    { FILEBOX_URL: fake.url, FILEBOX_API_KEY: API_KEY },
    elsewhere,
    state,
  );
  assertArrived(fake, join(store, `${period.from}_${period.to}`), period, "serve");
  await fake.close();
  fake = undefined;

  rmSync(tmp, { recursive: true, force: true });
  step("done");
  console.log("check:outside-connector: 1 passed, 0 failed");
} catch (error) {
  await fake?.close();
  console.error(`check:outside-connector: ${(error as Error).message}\n(left ${tmp} for a look)`);
  process.exitCode = 1;
}
