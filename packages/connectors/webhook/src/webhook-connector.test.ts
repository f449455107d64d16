import { createHash, createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EvidencePackage, loadEvidencePackage } from "@iddio-compliance/connector-sdk";
import { runConnectorConformance, writeEvidencePackage } from "@iddio-compliance/connector-sdk/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeReceiver, newSecret, startFakeReceiver } from "./test-support/fake-webhook-receiver.ts";
import { pushInNewProcess } from "./test-support/push-in-new-process.ts";
import { webhook } from "./webhook-connector.ts";
import { packagePayload } from "./webhook-payload.ts";

// The id as the README states it, written apart from webhookId.
const statedId = (summaryDigest: string, connector: string): string =>
  `msg_${createHash("sha256").update(`${summaryDigest}:${connector}`).digest("hex").slice(0, 40)}`;

runConnectorConformance({
  connector: webhook,
  server: () => startFakeReceiver(),
  config: (server) => ({ type: "webhook", url: server.endpoint, secret: server.secrets[0] }),
});

describe("webhook connector", () => {
  let root: string;
  let pkg: EvidencePackage;
  const servers: FakeReceiver[] = [];
  const start = async (options?: Parameters<typeof startFakeReceiver>[0]) => {
    const server = await startFakeReceiver(options);
    servers.push(server);
    return server;
  };
  const fast = { http: { sleep: async () => {}, retry: { baseDelayMs: 1 } } };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "webhook-test-"));
    pkg = await loadEvidencePackage(await writeEvidencePackage(join(root, "json")));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("signs id.timestamp.body with the base64-decoded key, as an independent HMAC computes it", async () => {
    const server = await start();
    await webhook.create({ url: server.endpoint, secret: server.secrets[0] }, fast).push(pkg);
    const [delivery] = server.deliveries();
    if (!delivery) throw new Error("no delivery");
    const key = Buffer.from(String(server.secrets[0]).slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key)
      .update(`${delivery.id}.${delivery.timestamp}.${delivery.rawBody}`)
      .digest("base64");
    expect(delivery.headers["webhook-signature"]).toBe(`v1,${expected}`);
    expect(delivery.id).toMatch(/^msg_[0-9a-f]{40}$/);
    expect(delivery.id).not.toContain(".");
    expect(delivery.payload).toMatchObject({
      type: "iddio.compliance.package",
      data: { package_sha256: pkg.sha256 },
    });
  });

  it("keeps webhook-id across retries while each attempt gets its own timestamp and signature", async () => {
    const server = await start();
    let clock = Date.now();
    server.inject({ method: "POST", status: 503 });
    await webhook
      .create({ url: server.endpoint, secret: server.secrets[0] }, { ...fast, now: () => (clock += 5000) })
      .push(pkg);
    const [first, second] = server.requests();
    expect(first?.headers["webhook-id"]).toBe(second?.headers["webhook-id"]);
    expect(first?.headers["webhook-timestamp"]).not.toBe(second?.headers["webhook-timestamp"]);
    expect(first?.headers["webhook-signature"]).not.toBe(second?.headers["webhook-signature"]);
    expect(server.deliveries()).toHaveLength(1);
  });

  it("derives webhook-id from the summary digest and the connector name, and from nothing else", async () => {
    const server = await start();
    const others = [
      await loadEvidencePackage(await writeEvidencePackage(join(root, "agents"), { agents: ["ops-bot"] })),
      await loadEvidencePackage(
        await writeEvidencePackage(join(root, "april"), {
          period: { from: "2026-04-01", to: "2026-04-30", time_zone: "Europe/Paris" },
        }),
      ),
    ];
    const expected: string[] = [];
    for (const candidate of [pkg, ...others]) {
      for (const name of ["webhook", "grc-hook", "grc:hook"]) {
        expected.push(statedId(candidate.sha256, name));
        // Two instances with clocks four minutes apart (within the receiver's tolerance): the id must
        // depend neither on the instance nor on the time.
        for (const offset of [-120_000, 120_000]) {
          await webhook
            .create(
              { name, url: server.endpoint, secret: server.secrets[0] },
              { ...fast, now: () => Date.now() + offset },
            )
            .push(candidate);
        }
      }
    }
    const sent = server.requests().map((request) => request.headers["webhook-id"]);
    expect(sent).toEqual(expected.flatMap((id) => [id, id]));
    expect(new Set(expected).size).toBe(expected.length);
    expect(server.deliveries().map((delivery) => delivery.id)).toEqual(expected);
  });

  it("sends the same webhook-id and body from a restarted process, so the receiver keeps one delivery", async () => {
    const server = await start();
    const config = { type: "webhook", name: "grc-hook", url: server.endpoint, secret: server.secrets[0] };
    // A process pushes, exits, and a new one pushes the same package: they share only the files.
    await pushInNewProcess(join(root, "json"), config);
    await pushInNewProcess(join(root, "json"), config);
    const ids = server.requests().map((request) => request.headers["webhook-id"]);
    expect(ids).toEqual([statedId(pkg.sha256, "grc-hook"), statedId(pkg.sha256, "grc-hook")]);
    expect(server.requests().map((request) => request.status)).toEqual([204, 200]);
    expect(server.deliveries()).toHaveLength(1);
    // The body is a function of the package alone: this process computes the bytes the child sent.
    expect(server.deliveries()[0]?.rawBody).toBe(JSON.stringify(packagePayload(pkg, 256 * 1024)));
  });

  it("inlines files up to inline_max_bytes and sends only digests beyond", async () => {
    const server = await start();
    const first = pkg.files[0];
    if (!first) throw new Error("empty package");
    await webhook
      .create({ url: server.endpoint, secret: server.secrets[0], inline_max_bytes: first.size }, fast)
      .push(pkg);
    const files = server.deliveries()[0]?.payload.data.files ?? [];
    expect(files[0]).toMatchObject({
      name: first.name,
      inline: true,
      encoding: "utf8",
      content: new TextDecoder().decode(first.bytes),
    });
    expect(
      files
        .slice(1)
        .every((file) => !file.inline && file.content === undefined && /^[0-9a-f]{64}$/.test(file.sha256)),
    ).toBe(true);
  });

  it("signs with every configured key, so a receiver holding either key accepts during rotation", async () => {
    const oldKey = newSecret();
    const newKey = newSecret();
    for (const receiverKey of [oldKey, newKey]) {
      const server = await start({ secrets: [receiverKey] });
      await webhook.create({ url: server.endpoint, secret: [oldKey, newKey] }, fast).push(pkg);
      expect(server.deliveries()).toHaveLength(1);
      expect(String(server.deliveries()[0]?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    }
    const stranger = await start({ secrets: [newSecret()] });
    await expect(
      webhook.create({ url: stranger.endpoint, secret: [oldKey, newKey] }, fast).push(pkg),
    ).rejects.toMatchObject({ code: "CONNECTOR_HTTP_401" });
  });

  it("requires https except for loopback hosts", () => {
    const secret = newSecret();
    for (const url of [
      "http://127.0.0.1:9/h",
      "http://127.8.9.10/h",
      "http://[::1]:9/h",
      "http://localhost:9/h",
      "https://grc.example.com/h",
    ]) {
      expect(() => webhook.create({ url, secret })).not.toThrow();
    }
    for (const url of [
      "http://grc.example.com/h",
      "http://10.0.0.1/h",
      "http://128.0.0.1/h",
      "ftp://127.0.0.1/h",
    ]) {
      expect(() => webhook.create({ url, secret })).toThrow(/Invalid option "url": the URL must use https/);
    }
  });

  it("refuses a secret that is not whsec_ base64, without echoing it", () => {
    expect(() =>
      webhook.create({ url: "https://grc.example.com/h", secret: "hunter2-plain-secret" }),
    ).toThrow(/Invalid option "secret"/);
    try {
      webhook.create({ url: "https://grc.example.com/h", secret: "hunter2-plain-secret" });
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
    }
  });

  it("does not follow redirects", async () => {
    const server = await start();
    server.inject({
      method: "POST",
      status: 307,
      headers: { location: "https://elsewhere.example/" },
      times: 5,
    });
    await expect(
      webhook.create({ url: server.endpoint, secret: server.secrets[0] }, fast).push(pkg),
    ).rejects.toMatchObject({ code: "CONNECTOR_HTTP_307", retryable: false });
    expect(server.requests()).toHaveLength(1);
  });
});
