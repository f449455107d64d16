import { generateKeyPairSync } from "node:crypto";
import { isServerConfigError, type ServerConfigError } from "@iddio-compliance/core";
import { describe, expect, it } from "vitest";
import { resolveComplianceConfig } from "./resolve-config.ts";

const env = { IDDIO_HOME: "/srv/iddio" };
const valid = {
  enabled: true,
  auto_export: { enabled: true, schedule: "0 0 1 * *", storage: "s3://evidence-bucket/iddio/" },
};

function issuesOf(compliance: unknown): string[] {
  try {
    resolveComplianceConfig({ server: { port: 6443 }, compliance }, { env });
  } catch (error) {
    expect(isServerConfigError(error)).toBe(true);
    return (error as ServerConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error("expected a config error");
}

describe("resolveComplianceConfig", () => {
  it("reads the outbox alert threshold and the drain timeout, with a 24 h default, and names bad values by key", () => {
    const defaults = resolveComplianceConfig({ compliance: valid }, { env });
    expect(defaults.outbox.alertAfterMs).toBe(24 * 3_600_000);
    expect(defaults.drainTimeoutMs).toBeUndefined();
    const set = resolveComplianceConfig(
      { compliance: { ...valid, outbox: { alert_after_hours: 1.5 }, drain_timeout_seconds: 10 } },
      { env },
    );
    expect(set.outbox.alertAfterMs).toBe(5_400_000);
    expect(set.drainTimeoutMs).toBe(10_000);
    const issues = issuesOf({
      ...valid,
      outbox: { alert_after_hours: 0, alert_afer: 2 },
      drain_timeout_seconds: -1,
    });
    expect(issues).toEqual([
      expect.stringMatching(/^compliance\.outbox\.alert_after_hours: /),
      expect.stringMatching(/^compliance\.outbox\.alert_afer: unknown key/),
      expect.stringMatching(/^compliance\.drain_timeout_seconds: /),
    ]);
  });

  it("reads compliance.signing.key as a file or PEM text, and names the key, never its value, when it is unusable", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const signed = resolveComplianceConfig({ compliance: { ...valid, signing: { key: pem } } }, { env });
    expect(signed.autoExport?.signingKey?.asymmetricKeyType).toBe("ed25519");
    expect(resolveComplianceConfig({ compliance: valid }, { env }).autoExport?.signingKey).toBeUndefined();
    const body = pem.split("\n")[1] as string;
    for (const key of [
      pem.replace(body, `${body.slice(0, 10)}x${body.slice(11)}`),
      body,
      "/no/such/key.pem",
    ]) {
      const issues = issuesOf({ ...valid, signing: { key } });
      expect(issues).toEqual([
        expect.stringMatching(/^compliance\.signing\.key: not a readable Ed25519 private key/),
      ]);
      expect(issues.join("")).not.toContain(body.slice(0, 16));
    }
    expect(issuesOf({ ...valid, signing: { key: pem, passphrase: "x" } })).toEqual([
      "compliance.signing.passphrase: unknown key (expected one of key)",
    ]);
  });

  it("names the key of an invalid cron expression", () => {
    const issues = issuesOf({ auto_export: { ...valid.auto_export, schedule: "0 0 1 *" } });
    expect(issues).toEqual([
      expect.stringMatching(
        /^compliance\.auto_export\.schedule: invalid cron expression "0 0 1 \*": .*five, six/,
      ),
    ]);
  });

  it("puts every invalid key in the message, each with its path", () => {
    try {
      resolveComplianceConfig(
        {
          compliance: {
            timezone: "Mars/Olympus",
            auto_export: {
              schedule: "61 * * * *",
              period: "yearly",
              format: "pdf",
              retention: -1,
              storage: "ftp://x/y",
            },
            connectors: [{ name: "no type" }],
            auto_exprot: {},
          },
        },
        { env },
      );
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect((error as ServerConfigError).code).toBe("CONFIG_INVALID");
      for (const key of [
        "compliance.auto_export.period",
        "compliance.auto_export.format",
        "compliance.auto_export.retention",
        "compliance.connectors[0].type",
        "compliance.auto_exprot: unknown key",
      ]) {
        expect(message).toContain(key);
      }
    }
  });

  it("reports time zone, storage URL and connector names after the schema passes", () => {
    const issues = issuesOf({
      timezone: "Mars/Olympus",
      auto_export: { schedule: "0 0 1 * *", storage: "ftp://host/dir" },
      connectors: [{ type: "webhook" }, { type: "webhook" }],
    });
    expect(issues).toContain('compliance.timezone: unknown time zone "Mars/Olympus"');
    expect(issues.some((i) => i.startsWith("compliance.auto_export.storage: unsupported scheme"))).toBe(true);
    expect(
      issues.some((i) => i.startsWith("compliance.connectors[1].name: another connector is already named")),
    ).toBe(true);
  });

  it("validates the proposed auto_export.s3 block and names its keys", () => {
    const issues = issuesOf({
      auto_export: {
        ...valid.auto_export,
        s3: { endpoint: "not a url", force_path_style: "yes", bucket: "x" },
      },
    });
    expect(issues.some((i) => i.startsWith("compliance.auto_export.s3.endpoint:"))).toBe(true);
    expect(issues.some((i) => i.startsWith("compliance.auto_export.s3.force_path_style:"))).toBe(true);
    expect(issues.some((i) => i.startsWith("compliance.auto_export.s3"))).toBe(true);
  });

  it("never echoes a secret value in an error", () => {
    try {
      resolveComplianceConfig(
        {
          compliance: {
            source: { postgres: { url: "postgres://u:hunter2-secret@db/x", org_id: 7 } },
            auto_export: { storage: "s3://u:hunter2-secret@bucket/p/" },
          },
        },
        { env },
      );
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2-secret");
      expect((error as Error).message).toContain("compliance.source.postgres.org_id");
      expect((error as Error).message).toContain("compliance.auto_export.storage");
    }
  });

  it("resolves a disabled block without validating it", () => {
    const resolved = resolveComplianceConfig(
      { compliance: { enabled: false, auto_export: { schedule: "nonsense" } } },
      { env },
    );
    expect(resolved.enabled).toBe(false);
    expect(resolved.autoExport).toBeUndefined();
    expect(resolveComplianceConfig({ server: {} }, { env }).enabled).toBe(false);
  });

  it("fills defaults: UTC, json, previous_month, state under IDDIO_HOME, storage parsed", () => {
    const resolved = resolveComplianceConfig({ compliance: valid }, { env });
    expect(resolved).toMatchObject({
      enabled: true,
      source: "/srv/iddio",
      auditLog: "/srv/iddio",
      timeZone: "UTC",
      stateDir: "/srv/iddio/compliance",
      autoExport: {
        period: "previous_month",
        format: "json",
        timeZone: "UTC",
        storage: { kind: "s3", bucket: "evidence-bucket", prefix: "iddio/" },
      },
    });
  });
});
