import { describe, expect, it } from "vitest";
import { parseComplianceConfig } from "./compliance-config.ts";

const issues = (block: unknown) => {
  const result = parseComplianceConfig(block);
  return result.success ? [] : result.issues;
};
const storage = { storage: "file:///var/lib/iddio/compliance/" };

describe("parseComplianceConfig", () => {
  it("accepts the documented block and fills its defaults", () => {
    const result = parseComplianceConfig({
      source: { audit_log: "~/.iddio" },
      auto_export: { enabled: true, ...storage },
      connectors: [
        { type: "vanta", client_id: "x" },
        { type: "@acme/iddio-connector-grc", name: "grc" },
      ],
    });
    expect(result.success).toBe(true);
    if (result.success) {
      expect(result.data.auto_export).toMatchObject({
        schedule: "0 0 1 * *",
        period: "previous_month",
        format: "json",
      });
      expect(result.data.timezone).toBe("UTC");
    }
  });

  it("makes a misspelled key an error with its path and a suggestion, never silently dropped", () => {
    expect(issues({ auto_exprot: { enabled: true, ...storage } })).toEqual([
      { path: "compliance.auto_exprot", message: 'unknown key (did you mean "auto_export"?)' },
    ]);
    expect(issues({ auto_export: { enabeld: true, ...storage } })).toEqual([
      { path: "compliance.auto_export.enabeld", message: 'unknown key (did you mean "enabled"?)' },
    ]);
    expect(issues({ source: { postgres: { url: "postgres://h/db", org_id: "acme", ssl: true } } })).toEqual([
      { path: "compliance.source.postgres.ssl", message: "unknown key (expected one of url, org_id)" },
    ]);
  });

  it("checks cron, time zones and the storage URL, naming each key", () => {
    const found = issues({
      timezone: "Mars/Olympus",
      auto_export: { schedule: "every tuesday", storage: "ftp://example/x", timezone: "Europe/Nowhere" },
    });
    expect(found.map((i) => i.path).sort()).toEqual([
      "compliance.auto_export.schedule",
      "compliance.auto_export.storage",
      "compliance.auto_export.timezone",
      "compliance.timezone",
    ]);
    expect(issues({ auto_export: { schedule: "every tuesday", ...storage } })).toEqual([
      expect.objectContaining({
        path: "compliance.auto_export.schedule",
        message: expect.stringContaining('invalid cron expression "every tuesday"'),
      }),
    ]);
  });

  it("refuses a connector type that is a URL, a data:/file: specifier or a path, before anything can import it", () => {
    for (const type of [
      "data:text/javascript,process.exit(7)",
      "file:///tmp/x.js",
      "https://evil.example/c.js",
      "./local.js",
      "/abs/c.js",
      "../up",
      "Vanta",
    ])
      expect(issues({ connectors: [{ type }] }), type).toEqual([
        expect.objectContaining({
          path: "compliance.connectors[0].type",
          message: expect.stringContaining("nor an npm package name"),
        }),
      ]);
  });

  it("names duplicate connector names and organisation ids", () => {
    expect(
      issues({
        connectors: [
          { type: "webhook", url: "x" },
          { type: "webhook", url: "y" },
        ],
      }),
    ).toEqual([expect.objectContaining({ path: "compliance.connectors[1].name" })]);
    expect(
      issues({ source: { postgres: { url: "postgres://h/db", org_id: ["acme", "../etc", "acme"] } } }).map(
        (i) => i.path,
      ),
    ).toEqual(["compliance.source.postgres.org_id[1]", "compliance.source.postgres.org_id[2]"]);
  });
});
