import { isServerConfigError } from "@iddio-compliance/core";
import { describe, expect, it } from "vitest";
import { resolveComplianceConfig } from "../config/resolve-config.ts";
import { mergeOrgMetrics } from "./merge-metrics.ts";
import { orgRuntimeConfig, orgStorageTarget } from "./org-config.ts";

const URL_WITH_SECRET = "postgres://iddio:hunter22@db.internal:5432/iddio";
const config = (orgId: unknown, url = URL_WITH_SECRET) => ({
  compliance: {
    state_dir: "/var/lib/iddio/compliance",
    source: { postgres: { url, org_id: orgId } },
    auto_export: { enabled: true, storage: "s3://evidence/iddio/" },
  },
});

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (isServerConfigError(error)) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe("source.postgres in the plugin config", () => {
  it("accepts one organisation or a list, one package each", () => {
    expect(resolveComplianceConfig(config("acme")).postgres).toEqual({
      url: URL_WITH_SECRET,
      orgIds: ["acme"],
    });
    expect(resolveComplianceConfig(config(["acme", "globex"])).postgres?.orgIds).toEqual(["acme", "globex"]);
  });

  it("names each invalid or repeated organisation id by its key path, and never echoes the URL", () => {
    const found = issues(() => resolveComplianceConfig(config(["acme", "../etc", "acme"])));
    expect(found).toEqual([
      expect.stringMatching(
        /^compliance\.source\.postgres\.org_id\[1\]: invalid organisation id "\.\.\/etc"/,
      ),
      'compliance.source.postgres.org_id[2]: organisation "acme" is listed twice',
    ]);
    const url = issues(() => resolveComplianceConfig(config("acme", "mysql://iddio:hunter22@db/iddio")));
    expect(url).toEqual(["compliance.source.postgres.url: expected a postgres:// or postgresql:// URL"]);
    expect(url.join()).not.toContain("hunter22");
  });
});

describe("orgRuntimeConfig", () => {
  it("puts each organisation's packages under <prefix>/<org>/ and its state under <state_dir>/orgs/<org>", () => {
    const resolved = resolveComplianceConfig(config(["acme"]));
    const acme = orgRuntimeConfig(resolved, "acme");
    expect(acme.stateDir).toBe("/var/lib/iddio/compliance/orgs/acme");
    expect(acme.autoExport?.storage).toEqual({ kind: "s3", bucket: "evidence", prefix: "iddio/acme/" });
    expect(acme.autoExport?.storageUrl).toBe("s3://evidence/iddio/acme/");
    expect(orgStorageTarget({ kind: "file", dir: "/srv/evidence" }, "acme")).toEqual({
      kind: "file",
      dir: "/srv/evidence/acme",
    });
  });
});

describe("mergeOrgMetrics", () => {
  it("writes each family once with every organisation's sample labelled", () => {
    const text = (n: number) =>
      `# HELP x_total X.\n# TYPE x_total counter\nx_total ${n}\n# HELP y Y.\n# TYPE y gauge\ny{kind="a"} ${n * 2}\n`;
    expect(
      mergeOrgMetrics([
        { orgId: "acme", text: text(1) },
        { orgId: "globex", text: text(3) },
      ]),
    ).toBe(
      '# HELP x_total X.\n# TYPE x_total counter\nx_total{org="acme"} 1\nx_total{org="globex"} 3\n# HELP y Y.\n# TYPE y gauge\ny{kind="a",org="acme"} 2\ny{kind="a",org="globex"} 6\n',
    );
  });
});
