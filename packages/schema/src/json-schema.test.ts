import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderJsonSchemas } from "./json-schema.ts";

describe("published JSON Schemas", () => {
  const rendered = renderJsonSchemas();

  it("has one schema per evidence file", () => {
    expect(Object.keys(rendered).sort()).toEqual([
      "audit-log-integrity.schema.json",
      "cc6.1-access-controls.schema.json",
      "cc6.2-credential-lifecycle.schema.json",
      "cc6.3-authorization-changes.schema.json",
      "cc7.2-monitoring-evidence.schema.json",
      "checkpoint.schema.json",
      "summary.schema.json",
    ]);
  });

  it("are committed up to date (run `pnpm --filter @iddio-compliance/schema json-schema` after changing a schema)", () => {
    for (const [name, text] of Object.entries(rendered)) {
      const committed = readFileSync(new URL(`../json-schema/${name}`, import.meta.url), "utf8");
      expect(committed, name).toBe(text);
    }
  });
});
