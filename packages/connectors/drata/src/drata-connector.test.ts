import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EvidencePackage, isConnectorError, loadEvidencePackage } from "@iddio-compliance/connector-sdk";
import { runConnectorConformance, writeEvidencePackage } from "@iddio-compliance/connector-sdk/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { drataApiRoot } from "./config.ts";
import { drata } from "./drata-connector.ts";
import { evidenceName } from "./evidence-text.ts";
import { type FakeDrata, startFakeDrata } from "./test-support/fake-drata-server.ts";

const configFor = (server: FakeDrata, extra: Record<string, unknown> = {}) => ({
  type: "drata",
  api_key: server.apiKey,
  base_url: server.url,
  workspace_id: server.workspaceId,
  control_ids: { "CC6.1": [12], "CC6.2": [13], "CC6.3": [14, 15], "CC7.2": [16] },
  ...extra,
});

runConnectorConformance({
  connector: drata,
  server: () => startFakeDrata(),
  config: (server) => configFor(server),
  write: { method: "POST", path: /\/evidence-files$/ },
});

describe("drata connector", () => {
  let root: string;
  let q1: EvidencePackage;
  let q2: EvidencePackage;
  const servers: FakeDrata[] = [];
  const start = async () => {
    const server = await startFakeDrata();
    servers.push(server);
    return server;
  };
  const fast = { http: { sleep: async () => {}, retry: { baseDelayMs: 1 } } };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "drata-test-"));
    q1 = await loadEvidencePackage(await writeEvidencePackage(join(root, "q1")));
    q2 = await loadEvidencePackage(
      await writeEvidencePackage(join(root, "q2"), {
        period: { from: "2026-04-01", to: "2026-06-30", time_zone: "UTC" },
      }),
    );
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates one evidence item per criterion linked to its controls, with a renewal date after the period", async () => {
    const server = await start();
    await drata.create(configFor(server), fast).push(q1);
    const cc63 = server
      .evidence()
      .find((item) => item.name === "iddio-compliance CC6.3 Authorization and modification");
    expect(cc63).toMatchObject({
      controlIds: [14, 15],
      renewalScheduleType: "THREE_MONTHS",
      renewalDate: "2026-06-30",
    });
    expect(cc63?.artifacts.map((artifact) => artifact.artifactName)).toEqual([
      "cc6.3-authorization-changes.json",
    ]);
    expect(cc63?.description).toContain("2026-01-01 to 2026-03-31");
    expect(server.evidence()).toHaveLength(6);
  });

  it("adds a later period as a new artifact version on the same evidence id", async () => {
    const server = await start();
    const connector = drata.create(configFor(server), fast);
    const first = await connector.push(q1);
    const ids = server.evidence().map((item) => item.id);
    const second = await drata.create(configFor(server), fast).push(q2);
    expect(server.evidence().map((item) => item.id)).toEqual(ids);
    const cc61 = server.evidence().find((item) => item.name.includes("CC6.1"));
    expect(cc61?.artifacts).toHaveLength(1);
    expect(cc61?.artifacts[0]?.versions.map((version) => version.filedAt)).toEqual([
      "2026-03-31T23:59:59.000Z",
      "2026-06-30T23:59:59.000Z",
    ]);
    expect(second.files.every((file) => file.status === "updated")).toBe(true);
    expect(second.files.map((file) => file.remote_id).sort()).toEqual(
      first.files.map((file) => file.remote_id).sort(),
    );
    const puts = server.requests().filter((request) => request.method === "PUT");
    expect(puts).toHaveLength(6);
  });

  it("pushes a second period even though Drata expands artifacts as a {data, totalCount} subcollection", async () => {
    const server = await start();
    await drata.create(configFor(server), fast).push(q1);
    const receipt = await drata.create(configFor(server), fast).push(q2);
    expect(receipt.files.map((file) => file.status)).toEqual(q2.files.map(() => "updated"));
    expect(server.evidence()).toHaveLength(6);
  });

  it("replaces its artifact when it lies beyond the first 10 of the subcollection, instead of adding a second one", async () => {
    const server = await start();
    const name = evidenceName("CC6.1");
    const seeded = server.seed(
      name,
      Array.from({ length: 11 }, (_, i) => `screenshot-${i}.png`),
    );
    await drata.create(configFor(server), fast).push(q1);
    await drata.create(configFor(server), fast).push(q2);
    const again = await drata.create(configFor(server), fast).push(q2);
    expect(server.evidence().filter((item) => item.name === name)).toHaveLength(1);
    const ours = seeded.artifacts.filter(
      (artifact) => artifact.artifactName === "cc6.1-access-controls.json",
    );
    expect(ours).toHaveLength(1);
    expect(ours[0]?.versions.map((version) => version.filedAt)).toEqual([
      "2026-03-31T23:59:59.000Z",
      "2026-06-30T23:59:59.000Z",
    ]);
    const cc61 = q2.files.filter((file) => file.criterion === "CC6.1");
    expect(seeded.artifacts).toHaveLength(11 + cc61.length);
    expect(again.files.filter((file) => file.criterion === "CC6.1").map((file) => file.status)).toEqual(
      cc61.map(() => "unchanged"),
    );
    const artifactLists = server
      .requests()
      .filter((request) => request.path === `/public/v2/workspaces/1/evidence/${seeded.id}/artifacts`);
    expect(artifactLists.length).toBeGreaterThan(0);
  });

  it("accepts base_url as the host or as Drata's documented server URL ending in /public/v2", async () => {
    const server = await start();
    for (const base_url of [
      server.url,
      `${server.url}/`,
      `${server.url}/public/v2`,
      `${server.url}/public/v2/`,
    ]) {
      await expect(
        drata.create(configFor(server, { base_url }), fast).check(),
        base_url,
      ).resolves.toMatchObject({
        ok: true,
      });
    }
    const receipt = await drata
      .create(configFor(server, { base_url: `${server.url}/public/v2` }), fast)
      .push(q1);
    expect(receipt.files).toHaveLength(q1.files.length);
  });

  it("refuses a base_url that points at Drata's v1 API, saying which forms work", () => {
    expect(() =>
      drata.create({ api_key: "k", workspace_id: 1, base_url: "https://public-api.drata.com/public" }),
    ).toThrow(/Invalid option "base_url".*https:\/\/public-api\.drata\.com\/public\/v2/);
  });

  it("treats fewer artifacts created than requested as a retryable failure, and a re-push completes the evidence", async () => {
    const server = await start();
    const csv = await loadEvidencePackage(await writeEvidencePackage(join(root, "csv"), { format: "csv" }));
    server.dropArtifacts(1);
    const error = await drata
      .create(configFor(server), fast)
      .push(csv)
      .catch((e) => e);
    expect(isConnectorError(error) && error.code).toBe("CONNECTOR_PARTIAL_FAILURE");
    expect(error).toMatchObject({ retryable: true });
    expect(error.message).toMatch(/stored 1 of 2 artifacts/);
    const receipt = await drata.create(configFor(server), fast).push(csv);
    const cc61 = server.evidence().find((item) => item.name.includes("CC6.1"));
    expect(cc61?.artifacts.map((artifact) => artifact.artifactName).sort()).toEqual([
      "cc6.1-access-controls.csv",
      "cc6.1-denied-requests.csv",
    ]);
    expect(receipt.files).toHaveLength(csv.files.length);
  });

  it("maps regions to Drata's hosts and lets base_url override them", () => {
    expect(drataApiRoot({ region: "us" })).toBe("https://public-api.drata.com/public/v2");
    expect(drataApiRoot({ region: "eu" })).toBe("https://public-api.eu.drata.com/public/v2");
    expect(drataApiRoot({ region: "apac" })).toBe("https://public-api.apac.drata.com/public/v2");
    expect(drataApiRoot({ region: "us", base_url: "http://127.0.0.1:9/" })).toBe(
      "http://127.0.0.1:9/public/v2",
    );
    expect(drataApiRoot({ region: "us", base_url: "https://public-api.eu.drata.com/public/v2/" })).toBe(
      "https://public-api.eu.drata.com/public/v2",
    );
  });

  it("refuses an unknown region and a non-https base_url, naming the option", () => {
    expect(() => drata.create({ api_key: "k", workspace_id: 1, region: "mars" })).toThrow(
      /Invalid option "region"/,
    );
    expect(() => drata.create({ api_key: "k", workspace_id: 1, base_url: "http://drata.internal" })).toThrow(
      /Invalid option "base_url": the URL must use https/,
    );
  });

  it("reports a control id Drata does not know as a typed 404 with Drata's message", async () => {
    const server = await start();
    const error = await drata
      .create(configFor(server, { control_ids: { "CC6.1": [999] } }), fast)
      .push(q1)
      .catch((e) => e);
    expect(error).toMatchObject({ code: "CONNECTOR_HTTP_404", retryable: false });
    expect(error.message).toContain("Control 999 not found");
  });

  it("checks the key and workspace", async () => {
    const server = await start();
    await expect(drata.create(configFor(server), fast).check()).resolves.toMatchObject({ ok: true });
    await expect(drata.create(configFor(server, { workspace_id: 7 }), fast).check()).rejects.toMatchObject({
      code: "CONNECTOR_HTTP_404",
    });
  });
});
