import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATOR } from "./version.ts";

const ROOT = new URL("../../../", import.meta.url);
const FOLDERS: Record<string, string> = {
  "@iddio-compliance/cli": "apps/cli",
  "@iddio-compliance/connector-sdk": "packages/connector-sdk",
  "@iddio-compliance/core": "packages/core",
  "@iddio-compliance/report": "packages/report",
  "@iddio-compliance/schema": "packages/schema",
  "@iddio-compliance/server-plugin": "packages/server-plugin",
  "@iddio-compliance/simulator": "packages/simulator",
  "@iddio-compliance/source-postgres": "packages/source-postgres",
};

describe("GENERATOR", () => {
  it("names the version every package of the fixed release group has in its package.json", () => {
    const config = JSON.parse(readFileSync(new URL(".changeset/config.json", ROOT), "utf8"));
    const fixed: string[] = config.fixed.flat();
    expect(fixed.toSorted()).toEqual(Object.keys(FOLDERS).toSorted());
    for (const name of fixed) {
      const pkg = JSON.parse(readFileSync(new URL(`${FOLDERS[name]}/package.json`, ROOT), "utf8"));
      expect(
        pkg.version,
        `${name} is at ${pkg.version}: set packages/schema/src/version.ts to the released version`,
      ).toBe(GENERATOR.version);
    }
  });
});
