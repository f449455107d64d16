import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateHome } from "@iddio-compliance/simulator";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeReceiver,
  startFakeReceiver,
} from "../../../../packages/connectors/webhook/src/test-support/fake-webhook-receiver.ts";
import { isoDate, lastMonths } from "../test-support/last-months.ts";
import { poll, ServeProcess } from "../test-support/serve-process.ts";

const [{ from: FROM, to: TO }] = lastMonths(1) as [{ from: string; to: string }];

let dir: string;
let receiver: FakeReceiver;
const running: ServeProcess[] = [];
afterEach(async () => {
  for (const proc of running.splice(0)) await proc.kill();
  await receiver?.close();
  await rm(dir, { recursive: true, force: true });
});

async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
}

describe("serve shutting down while a push hangs", () => {
  it("counts the hanging push as pending, exits on SIGTERM after the drain timeout (or at a second SIGTERM), and delivers it once after a restart", async () => {
    dir = await mkdtemp(join(tmpdir(), "serve-shutdown-"));
    const home = join(dir, "home");
    await generateHome({
      outDir: home,
      seed: 8,
      events: 300,
      from: FROM,
      to: isoDate(Date.now()),
      gzipRotated: false,
    });
    receiver = await startFakeReceiver();
    const configPath = join(dir, "server.yaml");
    const writeConfig = (drainSeconds: number) =>
      writeFile(
        configPath,
        `compliance:
  source: { audit_log: ${home} }
  state_dir: ${join(dir, "state")}
  listen: 127.0.0.1:0
  drain_timeout_seconds: ${drainSeconds}
  auto_export: { enabled: true, backfill_from: "${FROM}", storage: "${pathToFileURL(join(dir, "store")).href}/" }
  connectors:
    - { type: webhook, url: "\${WEBHOOK_URL}", secret: \${WEBHOOK_SECRET} }
`,
      );
    await writeConfig(1);
    const env = { WEBHOOK_URL: receiver.endpoint, WEBHOOK_SECRET: receiver.secrets[0] ?? "" };
    // The receiver takes the request and never answers: the push hangs.
    receiver.inject({ method: "POST", hang: true });
    const first = new ServeProcess(configPath, env);
    running.push(first);
    const url = await first.url();
    const hanging = await poll(
      () => (receiver.requests().some((r) => r.faulted && r.status === undefined) ? true : undefined),
      120_000,
    );
    expect(hanging, first.text()).toBe(true);
    expect(await first.health()).toMatchObject({ pending_pushes: 1 });
    expect(await metric(url, "iddio_compliance_outbox_pending_pushes")).toBe(1);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(receiver.deliveries()).toEqual([]);
    const pending = await readFile(
      join(dir, "state", "outbox", "pending", `${FROM}_${TO}~webhook.json`),
      "utf8",
    );
    expect(JSON.parse(pending)).toMatchObject({ package: `${FROM}_${TO}`, connector: "webhook" });

    // With a drain far longer than the test, a second SIGTERM is what ends the wait.
    await writeConfig(3600);
    receiver.inject({ method: "POST", hang: true });
    const impatient = new ServeProcess(configPath, env);
    running.push(impatient);
    const hangingAgain = await poll(
      () =>
        receiver.requests().filter((r) => r.faulted && r.status === undefined).length === 2
          ? true
          : undefined,
      120_000,
    );
    expect(hangingAgain, impatient.text()).toBe(true);
    impatient.child.kill("SIGTERM");
    expect(await impatient.waitFor((l) => l.msg === "sidecar: closing")).toBeDefined();
    impatient.child.kill("SIGTERM");
    expect(await impatient.exited).toBe(0);
    expect(impatient.lines.map((l) => l.msg)).toContain("sidecar: second signal; aborting work in flight");

    receiver.clearFaults();
    const second = new ServeProcess(configPath, env);
    running.push(second);
    const delivered = await poll(async () => {
      const health = await second.health();
      return health?.pending_pushes === 0 && receiver.deliveries().length > 0 ? true : undefined;
    }, 120_000);
    expect(delivered, second.text()).toBe(true);
    // The receiver's payload type names only what it checks; the summary rides along (Standard Webhooks payload).
    const periods = receiver
      .deliveries()
      .map(
        (d) =>
          (d.payload.data as unknown as { summary: { period: { from: string; to: string } } }).summary.period,
      );
    expect(periods).toEqual([expect.objectContaining({ from: FROM, to: TO })]);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 300_000);
});
