import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineConnector, isConnectorDefinition } from "./define-connector.ts";
import { ConnectorError, isConnectorError } from "./errors/connector-error.ts";
import { sha256Hex } from "./package/load-evidence-package.ts";
import { tinyPackage } from "./test-support/tiny-package.ts";

const sample = defineConnector({
  name: "sample",
  config: z.strictObject({
    api_key: z.string().min(8),
    documents: z.record(z.string(), z.string().regex(/^[a-z-]+$/)).default({}),
    retries: z.int().default(2),
  }),
  capabilities: { files: true, idempotent: false },
  create(config, ctx) {
    return {
      async check() {
        ctx.logger.info(`using key ${config.api_key}`);
      },
      async push(pkg) {
        if (config.documents.fail) throw new Error(`remote refused key ${config.api_key}`);
        return {
          files: pkg.files.map((file) => ({
            file: file.name,
            criterion: file.criterion,
            remote_id: `r-${file.name}`,
            status: "created" as const,
          })),
        };
      },
    };
  },
});

describe("defineConnector", () => {
  it("fills defaults and capability defaults", () => {
    expect(sample.parseConfig({ type: "sample", name: "x", api_key: "12345678" })).toEqual({
      api_key: "12345678",
      documents: {},
      retries: 2,
    });
    expect(sample.capabilities).toEqual({
      files: true,
      idempotent: false,
      csv: true,
      structured: false,
      remoteCheck: true,
    });
    expect(isConnectorDefinition(sample)).toBe(true);
    expect(isConnectorDefinition({ name: "sample" })).toBe(false);
  });

  it("names the missing, unknown and invalid options in one CONNECTOR_CONFIG_INVALID error", () => {
    let error: unknown;
    try {
      sample.create({ type: "sample", name: "billing", apikey: "x", documents: { "CC6.1": "Bad Id" } });
    } catch (caught) {
      error = caught;
    }
    expect(isConnectorError(error)).toBe(true);
    expect(error).toMatchObject({ code: "CONNECTOR_CONFIG_INVALID", connector: "billing", retryable: false });
    expect((error as Error).message).toBe(
      'billing: Missing required option "api_key"; Invalid option "documents["CC6.1"]": Invalid string: must match pattern /^[a-z-]+$/; Unknown option "apikey"',
    );
  });

  it("never echoes a secret value in a config error", () => {
    const leaky = defineConnector({
      name: "leaky",
      config: z.object({
        client_secret: z.string().superRefine((value, ctx) => {
          if (value.length < 40) ctx.addIssue({ code: "custom", message: `too short: ${value}` });
        }),
      }),
      capabilities: { files: true, idempotent: true },
      create: () => ({ check: async () => undefined, push: async () => ({ files: [] }) }),
    });
    expect(() => leaky.create({ client_secret: "hunter2-secret" })).toThrow(
      'leaky: Invalid option "client_secret": too short: [REDACTED]',
    );
    try {
      leaky.create({ client_secret: "hunter2-secret" });
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2-secret");
    }
  });

  it("builds the receipt with instance name, type, package digest, period and the injected clock", async () => {
    const connector = sample.create(
      { name: "billing", api_key: "12345678" },
      { now: () => Date.UTC(2026, 1, 2) },
    );
    const receipt = await connector.push(tinyPackage());
    expect(receipt).toEqual({
      connector: "billing",
      type: "sample",
      package_sha256: sha256Hex(new TextEncoder().encode("{}")),
      period: { from: "2026-01-01", to: "2026-01-31", time_zone: "UTC" },
      files: [
        {
          file: "cc6.1-access-controls.csv",
          criterion: "CC6.1",
          remote_id: "r-cc6.1-access-controls.csv",
          status: "created",
        },
        { file: "summary.json", criterion: "summary", remote_id: "r-summary.json", status: "created" },
      ],
      skipped: [],
      pushed_at: "2026-02-02T00:00:00.000Z",
    });
  });

  it("wraps a plain error thrown by a connector into a redacted CONNECTOR_FAILED", async () => {
    const connector = sample.create({ api_key: "key-0123456789", documents: { fail: "x" } });
    const error = await connector.push(tinyPackage()).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: "CONNECTOR_FAILED", connector: "sample", retryable: false });
    expect(error.message).toBe("sample: remote refused key [REDACTED]");
    expect(String(error.cause)).not.toContain("key-0123456789");
  });

  it("redacts secrets from log lines before the injected logger sees them", async () => {
    const lines: string[] = [];
    const log = (message: string, fields?: object) => lines.push(`${message} ${JSON.stringify(fields)}`);
    const connector = sample.create(
      { api_key: "key-0123456789" },
      { logger: { debug: log, info: log, warn: log, error: log } },
    );
    await connector.check();
    expect(lines).toEqual(['using key [REDACTED] {"connector":"sample"}']);
  });

  it("refuses a package whose bytes no longer match their digest before calling the connector", async () => {
    const pkg = tinyPackage();
    const first = pkg.files[0];
    if (first) first.bytes = new TextEncoder().encode("x,y\r\n");
    await expect(sample.create({ api_key: "12345678" }).push(pkg)).rejects.toMatchObject({
      code: "CONNECTOR_PACKAGE_INVALID",
      connector: "sample",
    });
  });

  it("plans every file by default without any I/O", () => {
    const plan = sample.create({ api_key: "12345678" }).plan(tinyPackage());
    expect(plan.files.map((file) => file.file)).toEqual(["cc6.1-access-controls.csv", "summary.json"]);
  });
});

describe("isConnectorError", () => {
  it("recognises an error branded by another copy of the SDK, and nothing else", () => {
    const foreign = Object.assign(new Error("x"), { code: "CONNECTOR_HTTP_500", name: "ConnectorError" });
    Object.defineProperty(foreign, Symbol.for("iddio-compliance.error"), { value: true });
    expect(isConnectorError(foreign)).toBe(true);
    expect(isConnectorError(new Error("x"))).toBe(false);
    expect(isConnectorError({ code: "CONNECTOR_HTTP_500" })).toBe(false);
    expect(isConnectorError(null)).toBe(false);
  });

  it("serialises to JSON with its code and context", () => {
    const error = new ConnectorError({
      code: "CONNECTOR_HTTP_429",
      connector: "vanta",
      message: "slow down",
      status: 429,
      retryable: true,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "ConnectorError",
      code: "CONNECTOR_HTTP_429",
      connector: "vanta",
      status: 429,
      retryable: true,
      message: "vanta: slow down",
    });
  });
});
