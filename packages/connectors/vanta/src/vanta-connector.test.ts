import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EvidencePackage, isConnectorError, loadEvidencePackage } from "@iddio-compliance/connector-sdk";
import { runConnectorConformance, writeEvidencePackage } from "@iddio-compliance/connector-sdk/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  TEST_DOCUMENTS as DOCUMENTS,
  type FakeVanta,
  startFakeVanta,
} from "./test-support/fake-vanta-server.ts";
import { vanta } from "./vanta-connector.ts";

const configFor = (server: FakeVanta, extra: Record<string, unknown> = {}) => ({
  type: "vanta",
  base_url: server.url,
  client_id: server.clientId,
  client_secret: server.clientSecret,
  documents: DOCUMENTS,
  ...extra,
});

runConnectorConformance({
  connector: vanta,
  server: () => startFakeVanta(),
  config: (server) => configFor(server),
  write: { method: "POST", path: /^\/v1\/documents\/[^/]+\/uploads$/ },
});

describe("vanta connector", () => {
  let root: string;
  let pkg: EvidencePackage;
  let csvPkg: EvidencePackage;
  const servers: FakeVanta[] = [];
  const start = async (options?: Parameters<typeof startFakeVanta>[0]) => {
    const server = await startFakeVanta(options);
    servers.push(server);
    return server;
  };
  const fast = { http: { sleep: async () => {}, retry: { baseDelayMs: 1 } } };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "vanta-test-"));
    pkg = await loadEvidencePackage(await writeEvidencePackage(join(root, "json")));
    csvPkg = await loadEvidencePackage(await writeEvidencePackage(join(root, "csv"), { format: "csv" }));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reuses one token across pushes and instances of the same application", async () => {
    const server = await start();
    await vanta.create(configFor(server), fast).push(pkg);
    await vanta.create(configFor(server), fast).push(csvPkg);
    expect(server.tokensIssued()).toBe(1);
  });

  it("refreshes the token about 60 seconds before it expires, not earlier", async () => {
    let clock = Date.UTC(2026, 3, 1, 12, 0, 0);
    const now = () => clock;
    const server = await start({ now });
    const connector = vanta.create(configFor(server), { ...fast, now });
    await connector.check();
    clock += (3600 - 61) * 1000;
    await connector.check();
    expect(server.tokensIssued()).toBe(1);
    clock += 2 * 1000;
    await connector.check();
    expect(server.tokensIssued()).toBe(2);
  });

  it("refreshes the token once and retries once when Vanta answers 401", async () => {
    const server = await start();
    const connector = vanta.create(configFor(server), fast);
    await connector.check();
    // Another process of the same application takes a token: ours is revoked at once.
    const other = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: server.clientId,
        client_secret: server.clientSecret,
        scope: "vanta-api.all:read",
        grant_type: "client_credentials",
      }),
    });
    expect(other.status).toBe(200);
    const receipt = await connector.push(pkg);
    expect(receipt.files).toHaveLength(pkg.files.length);
    expect(server.tokensIssued()).toBe(3);
    expect(server.requests().filter((request) => request.status === 401)).toHaveLength(1);
  });

  it("shares one token request between concurrent pushes", async () => {
    const server = await start();
    const receipts = await Promise.all([
      vanta.create(configFor(server), fast).push(pkg),
      vanta.create(configFor(server), fast).push(csvPkg),
      vanta.create(configFor(server, { name: "vanta-2" }), fast).check(),
    ]);
    expect(receipts).toHaveLength(3);
    expect(server.tokensIssued()).toBe(1);
    expect(server.requests().filter((request) => request.path === "/oauth/token")).toHaveLength(1);
    expect(server.requests().filter((request) => request.status === 401)).toHaveLength(0);
  });

  it("lets one push abort while another keeps waiting for the token they share", async () => {
    const server = await start();
    server.inject({ path: "/oauth/token", hang: true });
    const options = { http: { sleep: async () => {}, timeoutMs: 300, retry: { limit: 1, baseDelayMs: 1 } } };
    const controller = new AbortController();
    const aborted = vanta
      .create(configFor(server), options)
      .push(pkg, { signal: controller.signal })
      .catch((e) => e);
    const waiting = vanta.create(configFor(server), options).push(csvPkg);
    for (let i = 0; i < 400 && server.requests().length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await aborted).toMatchObject({ code: "CONNECTOR_ABORTED" });
    await expect(waiting).resolves.toMatchObject({ files: expect.any(Array) });
    expect(server.tokensIssued()).toBe(1);
  });

  it("uploads each file as a typed multipart part with the period end and a description naming criterion and period", async () => {
    const server = await start();
    await vanta.create(configFor(server), fast).push(csvPkg);
    const denied = server
      .uploads("access-requests")
      .find((upload) => upload.fileName === "cc6.1-denied-requests.csv");
    expect(denied).toMatchObject({ mimeType: "text/csv", effectiveDate: "2026-03-31T23:59:59.000Z" });
    expect(denied?.description).toContain("CC6.1");
    expect(denied?.description).toContain("2026-01-01 to 2026-03-31");
    expect(
      server
        .uploads("soc2-summary")
        .map((upload) => [upload.fileName, upload.mimeType])
        .sort(),
    ).toEqual([
      ["summary.csv", "text/csv"],
      ["summary.json", "application/json"],
    ]);
  });

  it("uploads a later period again and submits each document when submit is on", async () => {
    const server = await start();
    const connector = vanta.create(configFor(server, { submit: true }), fast);
    await connector.push(pkg);
    const later = await loadEvidencePackage(
      await writeEvidencePackage(join(root, "q2"), {
        period: { from: "2026-04-01", to: "2026-06-30", time_zone: "UTC" },
      }),
    );
    const receipt = await connector.push(later);
    expect(receipt.files.every((file) => file.status === "created")).toBe(true);
    expect(server.uploads("access-requests")).toHaveLength(2);
    expect(server.submitted().filter((id) => id === "access-requests")).toHaveLength(2);
  });

  it("skips files whose criterion maps to no document and says why", async () => {
    const server = await start();
    const receipt = await vanta
      .create(configFor(server, { documents: { "CC6.1": "access-requests" } }), fast)
      .push(pkg);
    expect(receipt.files.map((file) => file.file)).toEqual(["cc6.1-access-controls.json"]);
    expect(receipt.skipped.find((skip) => skip.file === "summary.json")?.reason).toMatch(/documents/);
  });

  it("reports an unknown document as a typed 404 naming the document", async () => {
    const server = await start();
    const error = await vanta
      .create(configFor(server, { documents: { "CC6.1": "no-such-doc" } }), fast)
      .push(pkg)
      .catch((e) => e);
    expect(isConnectorError(error) && error.code).toBe("CONNECTOR_HTTP_404");
    expect(error.message).toContain("no-such-doc");
  });

  it("reports wrong credentials as a non-retryable 401 without the secret", async () => {
    const server = await start();
    const error = await vanta
      .create({ ...configFor(server), client_secret: "wrong-secret-value" }, fast)
      .check()
      .catch((e) => e);
    expect(error).toMatchObject({ code: "CONNECTOR_HTTP_401", retryable: false });
    expect(error.message).not.toContain("wrong-secret-value");
  });

  it("names the missing option and refuses plain http to a remote host", () => {
    expect(() => vanta.create({ client_secret: "x", documents: DOCUMENTS })).toThrow(
      'vanta: Missing required option "client_id"',
    );
    expect(() =>
      vanta.create({
        base_url: "http://api.vanta.com",
        client_id: "a",
        client_secret: "b",
        documents: DOCUMENTS,
      }),
    ).toThrow(/Invalid option "base_url": the URL must use https/);
  });

  it("accepts base_url as the host or as Vanta's documented server URL ending in /v1, with one token for both", async () => {
    const server = await start();
    for (const base_url of [server.url, `${server.url}/`, `${server.url}/v1`, `${server.url}/v1/`]) {
      await expect(
        vanta.create(configFor(server, { base_url }), fast).check(),
        base_url,
      ).resolves.toMatchObject({
        ok: true,
      });
    }
    const receipt = await vanta.create(configFor(server, { base_url: `${server.url}/v1` }), fast).push(pkg);
    expect(receipt.files).toHaveLength(pkg.files.length);
    expect(server.tokensIssued()).toBe(1);
    expect(server.requests().every((request) => request.status !== 404)).toBe(true);
  });

  it("submits a document on a re-push that finds its files already uploaded, as after a crash before the submit", async () => {
    const server = await start();
    await vanta.create(configFor(server), fast).push(pkg);
    expect(server.submitted()).toEqual([]);
    const receipt = await vanta.create(configFor(server, { submit: true }), fast).push(pkg);
    expect(receipt.files.every((file) => file.status === "unchanged")).toBe(true);
    expect(server.submitted()).toContain("access-requests");
    expect(server.uploads("access-requests")).toHaveLength(1);
  });

  it("plans a dry run without any request", async () => {
    const server = await start();
    const plan = vanta.create(configFor(server), fast).plan(pkg);
    expect(plan.files).toHaveLength(pkg.files.length);
    expect(plan.files[0]?.target).toMatch(/^POST \/v1\/documents\/access-requests\/uploads/);
    expect(server.requests()).toHaveLength(0);
  });
});
