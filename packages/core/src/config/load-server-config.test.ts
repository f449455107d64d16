import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServerConfig, parseServerConfig } from "./load-server-config.ts";

const EXAMPLE = new URL("../../../../examples/server.yaml", import.meta.url);

const CONFIG = `
server:
  listen: ":8443"
  token: \${NOT_OURS}
compliance:
  source: { audit_log: ~/.iddio }
  auto_export:
    enabled: true
    schedule: "0 0 1 * *"
    storage: file:///var/lib/iddio/compliance/
  connectors:
    - { type: vanta, client_id: \${VANTA_CLIENT_ID}, client_secret: \${VANTA_CLIENT_SECRET}, documents: { CC6.1: access-requests } }
    - { type: drata, api_key: \${DRATA_API_KEY}, region: eu, workspace_id: 1, control_ids: { CC6.1: [12] } }
`;
const ENV = { VANTA_CLIENT_ID: "vid", VANTA_CLIENT_SECRET: "vsecret-123", DRATA_API_KEY: "dkey-456" };

describe("parseServerConfig", () => {
  it("returns the compliance block with ${VAR} resolved and defaults filled", () => {
    const { compliance } = parseServerConfig(CONFIG, { env: ENV, file: "server.yaml" });
    expect(compliance.auto_export).toMatchObject({
      enabled: true,
      period: "previous_month",
      format: "json",
      storage: "file:///var/lib/iddio/compliance/",
    });
    expect(compliance.timezone).toBe("UTC");
    expect(compliance.connectors[0]).toMatchObject({
      type: "vanta",
      client_secret: "vsecret-123",
      documents: { "CC6.1": "access-requests" },
    });
    expect(compliance.connectors[1]).toMatchObject({
      type: "drata",
      api_key: "dkey-456",
      control_ids: { "CC6.1": [12] },
    });
  });

  it("does not interpolate blocks that belong to the iddio server", () => {
    expect(() => parseServerConfig(CONFIG, { env: ENV })).not.toThrow();
  });

  it("names the missing variable and where it is used", () => {
    expect(() =>
      parseServerConfig(CONFIG, { env: { ...ENV, DRATA_API_KEY: undefined }, file: "server.yaml" }),
    ).toThrow(
      "server.yaml: environment variable DRATA_API_KEY is not set (used at compliance.connectors[1].api_key)",
    );
  });

  it("names the key path of an invalid value without printing values", () => {
    const bad = CONFIG.replace('schedule: "0 0 1 * *"', "schedule: 5").replace(
      "enabled: true",
      "enabled: true\n    format: pdf",
    );
    let error: unknown;
    try {
      parseServerConfig(bad, { env: ENV, file: "server.yaml" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name: "ServerConfigError", code: "CONFIG_INVALID" });
    const message = (error as Error).message;
    expect(message).toMatch(/compliance\.auto_export\.schedule: /);
    expect(message).toMatch(/compliance\.auto_export\.format: /);
    expect(message).not.toContain("vsecret-123");
  });

  it("names a connector without a type by its index", () => {
    expect(() =>
      parseServerConfig("compliance:\n  connectors:\n    - { url: https://x }\n", { env: {} }),
    ).toThrow(/compliance\.connectors\[0\]\.type: /);
  });

  it("reports YAML syntax errors with line and column", () => {
    expect(() => parseServerConfig("compliance:\n  source: [unclosed\n", { file: "server.yaml" })).toThrow(
      expect.objectContaining({
        code: "CONFIG_YAML_INVALID",
        message: expect.stringMatching(/server\.yaml: line \d+, column \d+: /),
      }),
    );
  });

  it("reports a file without a compliance block", () => {
    expect(() => parseServerConfig("server: {}\n", { file: "server.yaml" })).toThrow(
      expect.objectContaining({ code: "CONFIG_COMPLIANCE_MISSING", keyPath: "compliance" }),
    );
  });

  it("refuses an alias bomb instead of expanding it", () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ncompliance: {}\n`;
    expect(() => parseServerConfig(bomb, {})).toThrow(
      expect.objectContaining({ code: "CONFIG_YAML_INVALID" }),
    );
  });
});

describe("loadServerConfig", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "server-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a file and names it in errors", async () => {
    const file = join(dir, "server.yaml");
    await writeFile(file, CONFIG);
    await expect(loadServerConfig(file, { env: ENV })).resolves.toMatchObject({
      file,
      compliance: { source: { audit_log: "~/.iddio" } },
    });
    await expect(loadServerConfig(file, { env: {} })).rejects.toThrow(
      `${file}: environment variable VANTA_CLIENT_ID is not set`,
    );
  });

  it("reports a missing file with CONFIG_NOT_FOUND", async () => {
    await expect(loadServerConfig(join(dir, "nope.yaml"))).rejects.toMatchObject({
      code: "CONFIG_NOT_FOUND",
    });
  });

  it("accepts the shipped examples/server.yaml once its variables are set", async () => {
    const env = {
      VANTA_CLIENT_ID: "a",
      VANTA_CLIENT_SECRET: "b",
      DRATA_API_KEY: "c",
      WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    };
    const { compliance } = await loadServerConfig(EXAMPLE.pathname, { env });
    expect(compliance.connectors.map((connector) => connector.type)).toEqual(["vanta", "drata", "webhook"]);
  });
});
