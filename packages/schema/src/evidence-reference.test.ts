import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { evidenceFields, renderEvidenceReference } from "./evidence-reference.ts";
import { evidenceJsonSchemas, type JsonSchema } from "./json-schema.ts";

const schemas = Object.entries(evidenceJsonSchemas());

/** The paths of the fields of `schema` that have no description. */
function undescribed(schema: JsonSchema): string[] {
  return evidenceFields(schema)
    .filter((f) => f.description === undefined || f.description.trim() === "")
    .map((f) => f.path);
}

describe("evidence field descriptions", () => {
  it("describe every property of every evidence file's JSON Schema, at every depth", () => {
    const missing = schemas.flatMap(([file, schema]) =>
      undescribed(schema).map((path) => `${file}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it("describe every evidence file as a whole", () => {
    for (const [file, schema] of schemas) expect(schema.description, file).toMatch(/\S/);
  });

  it("are found missing in a list item, a nullable object, a map value and a tier count", () => {
    const tiers = z.object({ "0": z.int().describe("Tier 0."), "1": z.int() });
    const schema = z.toJSONSchema(
      z.object({
        ok: z.int().describe("Described."),
        list: z.array(z.object({ bare: z.string() })).describe("A list."),
        maybe: z.object({ inner: z.boolean() }).nullable().describe("A nullable object."),
        map: z.record(z.string(), z.object({ value: z.int() })).describe("A map."),
        by_tier: tiers.describe("By tier."),
        undescribed_parent: z.object({ child: z.int().describe("Described child.") }),
      }),
    ) as JsonSchema;
    expect(undescribed(schema)).toEqual([
      "list[].bare",
      "maybe.inner",
      "map.<key>.value",
      "by_tier.1",
      "undescribed_parent",
    ]);
  });

  it("keep a description given to a nullable field on the field itself", () => {
    const schema = z.toJSONSchema(
      z.object({ inner_only: z.string().describe("Lost.").nullable() }),
    ) as JsonSchema;
    expect(undescribed(schema)).toEqual(["inner_only"]);
  });
});

describe("evidence fields", () => {
  it("are listed by path in schema order, list items with [] and tiers by number", () => {
    const cc61 = evidenceJsonSchemas()["cc6.1-access-controls.json"];
    const paths = evidenceFields(cc61).map((f) => f.path);
    expect(paths.slice(0, 3)).toEqual(["criterion", "title", "period"]);
    expect(paths).toContain("agents[].by_tier.3");
    expect(paths).toContain("policy.at_start.snapshot");
    expect(paths.indexOf("agents[].by_tier.0")).toBeLessThan(paths.indexOf("agents[].by_tier.4"));
    const cc63 = evidenceJsonSchemas()["cc6.3-authorization-changes.json"];
    expect(evidenceFields(cc63).find((f) => f.path === "approvals.wait_ms.p95")).toMatchObject({
      type: "integer | null",
      description: expect.stringContaining("nearest-rank"),
    });
  });

  it("name the values of an enumeration and the value type of a map", () => {
    const cc72 = evidenceFields(evidenceJsonSchemas()["cc7.2-monitoring-evidence.json"]);
    expect(cc72.find((f) => f.path === "status")?.type).toBe("`ok` | `attention` | `fail` | `no_evidence`");
    const integrity = evidenceFields(evidenceJsonSchemas()["audit-log-integrity.json"]);
    expect(integrity.find((f) => f.path === "finding_counts")?.type).toBe("map of integer");
    expect(integrity.find((f) => f.path === "algorithm")?.type).toBe("`sha256`");
  });
});

describe("docs/evidence-reference.md", () => {
  const rendered = renderEvidenceReference();

  it("is committed up to date (run `pnpm --filter @iddio-compliance/schema json-schema` after changing a schema)", () => {
    const committed = readFileSync(new URL("../../../docs/evidence-reference.md", import.meta.url), "utf8");
    expect(committed).toBe(rendered);
  });

  it("has one table row per field of every evidence file, with the pipes of a type escaped", () => {
    for (const [file, schema] of schemas) {
      expect(rendered).toContain(`## ${file}\n`);
      for (const f of evidenceFields(schema)) expect(rendered).toContain(`| \`${f.path}\` | `);
    }
    expect(rendered).toContain("| `status` | `ok` \\| `attention` \\| `fail` \\| `no_evidence` |");
  });

  it("tells the period's event count from the whole chain's, and link breaks from silent periods", () => {
    const row = (path: string) => rendered.split("\n").find((l) => l.startsWith(`| \`${path}\` |`)) ?? "";
    expect(row("audit_log.total_events")).toContain("in the period");
    expect(row("audit_log.chain_events")).toContain("whole hash chain");
    expect(row("audit_log.gaps_detected")).toContain("link break");
    expect(row("audit_log.gaps_detected")).toContain("not silent periods");
  });
});
