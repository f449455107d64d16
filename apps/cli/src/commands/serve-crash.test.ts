import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { verifyPackage } from "@iddio-compliance/core";
import { generateHome } from "@iddio-compliance/simulator";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeDrata,
  startFakeDrata,
} from "../../../../packages/connectors/drata/src/test-support/fake-drata-server.ts";
import {
  type FakeVanta,
  startFakeVanta,
} from "../../../../packages/connectors/vanta/src/test-support/fake-vanta-server.ts";
import {
  type FakeReceiver,
  startFakeReceiver,
} from "../../../../packages/connectors/webhook/src/test-support/fake-webhook-receiver.ts";
import {
  ledgerOutboxDisagreements,
  verifiedLedger,
} from "../../../../packages/server-plugin/src/test-support/ledger-outbox-agreement.ts";
import { startS3Server } from "../../../../packages/server-plugin/src/test-support/s3-server.ts";
import { type HangingProxy, startHangingProxy } from "../test-support/hanging-proxy.ts";
import { isoDate, lastMonths } from "../test-support/last-months.ts";
import { runCli } from "../test-support/run-cli.ts";
import { poll, type ServeLogLine, ServeProcess } from "../test-support/serve-process.ts";

const PERIODS = lastMonths(3);
const KEYS = PERIODS.map((p) => `${p.from}_${p.to}`);
/** A package a previous deployment stored long ago: past the 12-month retention, deleted once. */
const EXPIRED = { from: "2024-06-01", to: "2024-06-30" };
const EXPIRED_KEY = `${EXPIRED.from}_${EXPIRED.to}`;
const FILES_PER_PACKAGE = 6;
const S3_PREFIX = "iddio/";

/** The loopback world one `serve` runs against: a simulated home, storage and three GRC stand-ins. */
interface World {
  dir: string;
  state: string;
  configPath: string;
  env: Record<string, string>;
  vanta: FakeVanta;
  drata: FakeDrata;
  receiver: FakeReceiver;
  storage: "file" | "s3";
  s3?: { endpoint: string; proxy: HangingProxy; close(): Promise<void> };
}

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    await Promise.all([w.vanta.close(), w.drata.close(), w.receiver.close()]);
    await w.s3?.proxy.close();
    await w.s3?.close();
    await rm(w.dir, { recursive: true, force: true });
  }
});

/** S3 objects under the prefix, straight from the store (s3rver answers unsigned loopback requests). */
async function s3Keys(endpoint: string): Promise<string[]> {
  const xml = await (
    await fetch(`${endpoint}/evidence?list-type=2&prefix=${S3_PREFIX}&max-keys=1000`)
  ).text();
  // Listings here stay far below 1000 keys: s3rver's continuation of truncated listings is unreliable.
  expect(xml).toContain("<IsTruncated>false</IsTruncated>");
  return [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1] as string);
}

/** Every stored package copied into a local folder `<dir>/<key>/`, by key (owner records left out). */
async function storedPackages(w: World, into: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (w.storage === "file") {
    for (const key of await readdir(join(w.dir, "store")))
      if (/^\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}$/.test(key)) out.set(key, join(w.dir, "store", key));
    return out;
  }
  const endpoint = w.s3?.endpoint as string;
  for (const objectKey of await s3Keys(endpoint)) {
    const [key, file] = objectKey.slice(S3_PREFIX.length).split("/");
    if (!key || !file || key.startsWith(".")) continue;
    await mkdir(join(into, key), { recursive: true });
    const bytes = Buffer.from(await (await fetch(`${endpoint}/evidence/${objectKey}`)).arrayBuffer());
    await writeFile(join(into, key, file), bytes);
    out.set(key, join(into, key));
  }
  return out;
}

async function makeWorld(storage: "file" | "s3"): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), `serve-crash-${storage}-`));
  const home = join(dir, "home");
  await generateHome({
    outDir: home,
    seed: 15,
    events: 900,
    from: PERIODS[0]?.from,
    to: isoDate(Date.now()),
    gzipRotated: false,
    rotateEvents: 100_000,
  });
  // The fake's token rate limit (5 a minute) runs on a clock sixty times faster than real time:
  // this test restarts the sidecar a dozen times within a minute, a real one does not.
  const t0 = Date.now();
  const [vanta, drata, receiver] = await Promise.all([
    startFakeVanta({ now: () => t0 + (Date.now() - t0) * 60, tokenTtlSeconds: 10_000_000 }),
    startFakeDrata(),
    startFakeReceiver(),
  ]);
  const w: World = {
    dir,
    state: join(dir, "state"),
    configPath: join(dir, "server.yaml"),
    env: {
      VANTA_URL: vanta.url,
      VANTA_CLIENT_ID: vanta.clientId,
      VANTA_CLIENT_SECRET: vanta.clientSecret,
      DRATA_URL: drata.url,
      DRATA_API_KEY: drata.apiKey,
      WEBHOOK_URL: receiver.endpoint,
      WEBHOOK_SECRET: receiver.secrets[0] ?? "",
    },
    vanta,
    drata,
    receiver,
    storage,
  };
  worlds.push(w);

  // The expired package, as an earlier deployment stored it.
  const expired = join(dir, "expired");
  const r = await runCli([
    "export",
    "--source",
    home,
    "--from",
    EXPIRED.from,
    "--to",
    EXPIRED.to,
    "--output",
    expired,
  ]);
  expect(r.code, r.stderr).toBe(0);
  let target: string;
  let s3Block = "";
  if (storage === "file") {
    await mkdir(join(dir, "store"), { recursive: true });
    await cp(expired, join(dir, "store", EXPIRED_KEY), { recursive: true });
    target = `${pathToFileURL(join(dir, "store")).href}/`;
  } else {
    const s3 = await startS3Server(["evidence"]);
    const proxy = await startHangingProxy(s3.endpoint);
    w.s3 = { ...s3, proxy };
    const names = (await readdir(expired)).sort(
      (a, b) => Number(a === "summary.json") - Number(b === "summary.json"),
    );
    for (const name of names) {
      const put = await fetch(`${s3.endpoint}/evidence/${S3_PREFIX}${EXPIRED_KEY}/${name}`, {
        method: "PUT",
        body: await readFile(join(expired, name)),
      });
      expect(put.status).toBe(200);
    }
    target = `s3://evidence/${S3_PREFIX}`;
    s3Block = `
    s3: { endpoint: "${proxy.url}", region: us-east-1, force_path_style: true, access_key_id: S3RVER, secret_access_key: S3RVER }`;
  }
  await writeFile(
    w.configPath,
    `compliance:
  source: { audit_log: ${home} }
  state_dir: ${w.state}
  listen: 127.0.0.1:0
  drain_timeout_seconds: 2
  auto_export:
    enabled: true
    schedule: "0 0 1 * *"
    period: previous_month
    backfill_from: "${PERIODS[0]?.from}"
    retention: 12
    storage: ${target}${s3Block}
  connectors:
    - type: vanta
      base_url: \${VANTA_URL}
      client_id: \${VANTA_CLIENT_ID}
      client_secret: \${VANTA_CLIENT_SECRET}
      documents: { CC6.1: access-requests, CC6.2: credential-lifecycle, CC6.3: authorization-changes, CC7.2: monitoring, summary: soc2-summary, integrity: audit-log-integrity }
    - { type: drata, base_url: "\${DRATA_URL}", api_key: \${DRATA_API_KEY}, workspace_id: 1, control_ids: { CC6.1: [12], CC6.2: [13], CC6.3: [14], CC7.2: [15], summary: [16], integrity: [17] } }
    - { type: webhook, url: "\${WEBHOOK_URL}", secret: \${WEBHOOK_SECRET} }
`,
  );
  return w;
}

/** Where a run is killed: as it logs a step, or once a platform (or S3) holds one of its requests open. */
type Stage =
  | { name: string; log: (line: ServeLogLine) => boolean }
  | { name: string; hang: (w: World) => () => boolean };

const logged =
  (message: string) =>
  (line: ServeLogLine): boolean =>
    line.msg.startsWith(message);
const hangingRequest =
  (server: { requests(): ReadonlyArray<{ faulted: boolean; status: number | undefined }> }) => () =>
    server.requests().some((r) => r.faulted && r.status === undefined);

const STAGES = {
  // Retention runs at start, before `serve` says it is serving.
  retention: {
    name: "after retention deleted the expired package",
    log: logged("retention: deleted package"),
  },
  started: { name: "right after start", log: logged("serving /healthz and /metrics") },
  exporting: { name: "mid-export", log: logged("export started") },
  uploading: {
    name: "mid-upload to S3 (every file stored but summary.json)",
    hang: (w: World) => {
      w.s3?.proxy.hangNext("PUT", /\/summary\.json$/);
      return () => w.s3?.proxy.hanging() ?? false;
    },
  },
  stored: { name: "once a package is stored", log: logged("export: package stored") },
  owned: { name: "once this replica owns it", log: logged("export: package owned by this replica") },
  recorded: { name: "once the export is recorded and its pushes queued", log: logged("export completed") },
  vanta: {
    // Three documents are uploaded before the fourth hangs: the restart must not upload them again.
    name: "mid-push to Vanta",
    hang: (w: World) => {
      w.vanta.inject({ method: "POST", path: "/v1/documents/monitoring/uploads", hang: true });
      return hangingRequest(w.vanta);
    },
  },
  drata: {
    name: "mid-push to Drata",
    hang: (w: World) => {
      w.drata.inject({ method: "POST", path: /\/workspaces\/1\/evidence$/, hang: true });
      w.drata.inject({ method: "PUT", path: /\/workspaces\/1\/evidence\/[^/]+$/, hang: true });
      return hangingRequest(w.drata);
    },
  },
  webhook: {
    name: "mid-delivery to the webhook",
    hang: (w: World) => {
      w.receiver.inject({ method: "POST", hang: true });
      return hangingRequest(w.receiver);
    },
  },
  delivered: { name: "once a delivery is recorded in the outbox", log: logged("outbox: package delivered") },
  ledgered: {
    name: "once a delivery is recorded in the ledger",
    log: logged("outbox: delivery recorded in the ledger"),
  },
} satisfies Record<string, Stage>;

/** One transient failure per platform, retried within the push (429 with Retry-After, 503). */
function injectTransientFailures(w: World): void {
  w.vanta.inject({ method: "POST", path: /\/uploads$/, status: 429, headers: { "retry-after": "0" } });
  w.drata.inject({ method: "POST", path: /\/evidence-files$/, status: 503 });
  w.receiver.inject({ method: "POST", status: 503 });
}

function clearFaults(w: World): void {
  w.vanta.clearFaults();
  w.drata.clearFaults();
  w.receiver.clearFaults();
}

/** Starts `serve`, kills it at `stage` (bounded wait), and returns how it ended. */
async function killAt(w: World, stage: Stage): Promise<void> {
  const proc = new ServeProcess(w.configPath, w.env);
  injectTransientFailures(w);
  if ("log" in stage) {
    proc.killWhen(stage.log);
    const ended = await Promise.race([proc.exited, sleep(120_000).then(() => "still running")]);
    if (ended === "still running") await proc.kill();
    expect(ended, `stage "${stage.name}" was never reached:\n${proc.text()}`).toBe("SIGKILL");
  } else {
    const hanging = stage.hang(w);
    const reached = await poll(() => (hanging() ? true : undefined), 120_000);
    await proc.kill();
    expect(reached, `stage "${stage.name}" was never reached:\n${proc.text()}`).toBe(true);
  }
  clearFaults(w);
}

/** Ledger lines of the state folder, parsed (no verification). */
async function ledgerEvents(w: World): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(w.state, "ledger.jsonl"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Runs `serve` until every period is stored and every push delivered, then stops it with SIGTERM. */
async function settle(w: World): Promise<ServeProcess> {
  const proc = new ServeProcess(w.configPath, w.env);
  injectTransientFailures(w);
  const settled = await poll(async () => {
    const health = await proc.health();
    const delivered = (await ledgerEvents(w)).filter((e) => e.event === "push.delivered").length;
    return health?.pending_pushes === 0 && health.exporting === null && delivered === KEYS.length * 3
      ? true
      : undefined;
  }, 180_000);
  expect(settled, `serve did not settle:\n${proc.text()}`).toBe(true);
  proc.child.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  return proc;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function expectDeliveredExactlyOnce(w: World): Promise<void> {
  const packages = await storedPackages(w, join(w.dir, "downloaded"));
  // One complete package per period, each verifying; the expired one deleted.
  expect([...packages.keys()].sort()).toEqual(KEYS);
  const summaries = new Map<string, string>();
  for (const [key, dir] of packages) {
    const verdict = await verifyPackage(dir);
    expect(verdict.ok, `${key}: ${JSON.stringify(verdict)}`).toBe(true);
    summaries.set(key, sha256(await readFile(join(dir, "summary.json"))));
  }

  // Nothing a killed run left behind outlives the next start: staging (spools, S3 copies) is empty,
  // or absent when the last start had nothing to export (it is swept at start, made when needed).
  const staging = await readdir(join(w.state, "staging")).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  expect(staging).toEqual([]);

  // The ledger verifies, agrees with the outbox, and records each step once.
  expect(await ledgerOutboxDisagreements(w.state)).toEqual([]);
  const records = await verifiedLedger(w.state);
  const of = (event: string) => records.filter((r) => r.event === event);
  expect(of("export.completed").map((r) => `${r.period_from}_${r.period_to}`)).toEqual(KEYS);
  expect(of("export.deleted").map((r) => `${r.period_from}_${r.period_to}`)).toEqual([EXPIRED_KEY]);
  const delivered = of("push.delivered");
  expect(delivered).toHaveLength(KEYS.length * 3);
  for (const connector of ["vanta", "drata", "webhook"]) {
    const mine = delivered.filter((r) => r.connector === connector);
    expect(mine.map((r) => `${r.period_from}_${r.period_to}`).sort()).toEqual(KEYS);
    // Each delivery names the package stored for its period.
    for (const r of mine) expect(r.package_sha256).toBe(summaries.get(`${r.period_from}_${r.period_to}`));
  }

  // What each platform received: every file of every period once.
  const fileShas = new Map<string, string[]>();
  for (const [key, dir] of packages) {
    const summary = JSON.parse(await readFile(join(dir, "summary.json"), "utf8")) as {
      manifest: Array<{ file: string; sha256: string }>;
    };
    // report.html and checkpoint.json belong to no criterion: the platforms get the evidence files,
    // not the page or the state the next export resumes from.
    fileShas.set(
      key,
      summary.manifest
        .filter((e) => e.file !== "report.html" && e.file !== "checkpoint.json")
        .map((e) => e.sha256),
    );
  }
  const uploads = w.vanta.uploads();
  const uploadedShas = uploads.map((u) => /sha256:([0-9a-f]{64})/.exec(u.description ?? "")?.[1]);
  expect(uploadedShas.filter((s, i) => uploadedShas.indexOf(s) !== i)).toEqual([]);
  expect(uploads).toHaveLength(KEYS.length * FILES_PER_PACKAGE);
  for (const key of KEYS) for (const sha of fileShas.get(key) ?? []) expect(uploadedShas).toContain(sha);

  const artifacts = w.drata.evidence().flatMap((e) => e.artifacts);
  expect(artifacts).toHaveLength(FILES_PER_PACKAGE);
  for (const artifact of artifacts) expect(artifact.versions).toHaveLength(KEYS.length);

  // The webhook is at-least-once with a stable id: the receiver keeps one delivery per id.
  const deliveries = w.receiver.deliveries();
  expect(deliveries.map((d) => d.payload.data.package_sha256).sort()).toEqual([...summaries.values()].sort());
  expect(new Set(deliveries.map((d) => d.id)).size).toBe(KEYS.length);
}

describe("serve through a multi-month catch-up, SIGKILLed at every stage of export, storage and push", () => {
  it("stores one verifying package per period and delivers every file once per connector (file storage)", async () => {
    const w = await makeWorld("file");
    const { retention, started, exporting, stored, owned, recorded, vanta, delivered } = STAGES;
    for (const stage of [retention, started, exporting, stored, owned, recorded, vanta, delivered])
      await killAt(w, stage);
    await settle(w);
    await expectDeliveredExactlyOnce(w);
  }, 600_000);

  it("stores one verifying package per period and delivers every file once per connector (S3 storage)", async () => {
    const w = await makeWorld("s3");
    const { retention, uploading, stored, drata, webhook, ledgered } = STAGES;
    for (const stage of [retention, uploading, stored, drata, webhook, ledgered]) await killAt(w, stage);
    await settle(w);
    await expectDeliveredExactlyOnce(w);
  }, 600_000);
});
