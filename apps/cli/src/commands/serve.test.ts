import { createHash } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { COMMAND_EVENT_FIELDS, goMarshalStruct } from "@iddio-compliance/schema";
import { generateHome } from "@iddio-compliance/simulator";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../test-support/run-cli.ts";

const children: ReturnType<typeof spawnCli>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Polls `probe` every 100 ms until it returns a value, for at most `ms`. */
async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  for (let waited = 0; waited <= ms; waited += 100) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error("condition not met in time");
}

async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await fetch(`${url}/metrics`).then(
    (r) => r.text(),
    () => "",
  );
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}

/** The next command event of a log, hashed and linked the way iddio's writer does it. */
function chainedEvent(log: string): string {
  const last = JSON.parse(log.trimEnd().split("\n").at(-1) as string) as { hash: string };
  const event = {
    timestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    agent: "claude-code",
    method: "GET",
    path: "/api/v1/namespaces/default/pods",
    namespace: "default",
    resource: "pods",
    tier: 0,
    decision: "allow",
    latency_us: 90,
  };
  const hash = createHash("sha256")
    .update(goMarshalStruct({ ...event, hash: "", prev_hash: last.hash }, COMMAND_EVENT_FIELDS))
    .digest("hex");
  return goMarshalStruct({ ...event, hash, prev_hash: last.hash }, COMMAND_EVENT_FIELDS);
}

describe("iddio-compliance serve (sidecar, in a child process)", () => {
  it("fails /healthz with the reason, and says so at start, when its audit log does not exist; logs serving once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "serve-nosource-"));
    const missing = join(dir, "no-such-home");
    writeFileSync(
      join(dir, "server.yaml"),
      `compliance:\n  source: { audit_log: ${missing} }\n  state_dir: ${join(dir, "state")}\n  listen: 127.0.0.1:0\n  auto_export: { enabled: true, storage: ${join(dir, "store")} }\n`,
    );
    const child = spawnCli(["serve", "--config", join(dir, "server.yaml")]);
    children.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const url = await until(
      () => /serving \/healthz and \/metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1],
    );
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(503);
    const health = (await response.json()) as { status: string; problems: string[] };
    expect(health.status).toBe("failing");
    expect(health.problems[0]).toContain(`compliance.source.audit_log: ${missing} cannot be read (ENOENT)`);
    expect(stderr).toContain("source unavailable: compliance.source.audit_log");
    expect(stderr.match(/serving \/healthz and \/metrics/g)).toHaveLength(1);
  });

  it("verifies appended lines, alerts on an edited line, and records a policy change the next export reports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "serve-"));
    const home = join(dir, "home");
    await generateHome({
      outDir: home,
      seed: 5,
      events: 600,
      from: "2026-01-01",
      to: "2026-01-31",
      gzipRotated: false,
      rotateEvents: 100_000,
    });
    const state = join(dir, "state");
    writeFileSync(
      join(dir, "server.yaml"),
      `compliance:\n  source: { audit_log: ${home} }\n  state_dir: ${state}\n  listen: 127.0.0.1:0\n  auto_export: { enabled: false, storage: ${join(dir, "store")} }\n`,
    );
    const child = spawnCli(["serve", "--config", join(dir, "server.yaml")]);
    children.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const url = await until(
      () => /serving \/healthz and \/metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1],
    );
    expect(await fetch(`${url}/healthz`).then((r) => r.status)).toBe(200);
    await until(async () =>
      (await metric(url, "iddio_compliance_audit_chain_verified")) === 1 ? true : undefined,
    );

    // Append two events chained exactly as iddio writes them: the verified-lines counter moves.
    const log = join(home, "audit.jsonl");
    const before = (await metric(url, "iddio_compliance_audit_lines_verified_total")) ?? 0;
    for (let i = 0; i < 2; i++) appendFileSync(log, `${chainedEvent(readFileSync(log, "utf8"))}\n`);
    await until(async () =>
      (await metric(url, "iddio_compliance_audit_lines_verified_total")) === before + 2 ? true : undefined,
    );
    expect(await metric(url, "iddio_compliance_tamper_alerts_total")).toBe(0);

    const lines = readFileSync(log, "utf8").trimEnd().split("\n");
    // Tamper with an old line: flip its decision without touching its hash.
    const index = lines.findIndex((l) => l.includes('"decision":"allow"'));
    lines[index] = (lines[index] as string).replace('"decision":"allow"', '"decision":"deny"');
    writeFileSync(log, `${lines.join("\n")}\n`);
    const alerts = await until(async () => {
      const n = await metric(url, "iddio_compliance_tamper_alerts_total");
      return n !== undefined && n > 0 ? n : undefined;
    });
    expect(alerts).toBeGreaterThan(0);

    // Change the policy: the sidecar records policy.changed in its ledger.
    appendFileSync(join(home, "policy.yaml"), "\n# tightened by the test\n");
    const ledger = join(state, "ledger.jsonl");
    await until(() => {
      try {
        return readFileSync(ledger, "utf8").includes('"event":"policy.changed"') ? true : undefined;
      } catch {
        return undefined;
      }
    });
    expect((await runCli(["verify", "--source", ledger])).code).toBe(0);

    // The next export, given the ledger, reports the change in CC6.3.
    const today = new Date().toISOString().slice(0, 10);
    const out = join(dir, "evidence");
    const r = await runCli([
      "export",
      "--source",
      home,
      "--ledger",
      ledger,
      "--from",
      today,
      "--to",
      today,
      "--output",
      out,
    ]);
    expect(r.code).toBe(1); // the edited line is still in the log
    const cc63 = JSON.parse(readFileSync(join(out, "cc6.3-authorization-changes.json"), "utf8"));
    expect(cc63.policy_changes).toHaveLength(1);
    expect(cc63.policy_changes[0].sha256).toBe(
      createHash("sha256")
        .update(readFileSync(join(home, "policy.yaml")))
        .digest("hex"),
    );
    expect(stderr).not.toMatch(/iddio_[0-9a-f]{16,}/); // no token value in the logs
  }, 90_000);
});
