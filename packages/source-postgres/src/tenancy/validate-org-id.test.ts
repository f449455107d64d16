import { isComplianceError } from "@iddio-compliance/core";
import { describe, expect, it } from "vitest";
import { validateOrgId } from "./validate-org-id.ts";

describe("validateOrgId", () => {
  it("accepts ids of letters, digits, dot, dash and underscore starting with a letter or digit", () => {
    for (const id of ["acme", "Acme-Corp_2", "a", "9lives", "org.eu-1", "x".repeat(63)])
      expect(validateOrgId(id)).toBe(id);
  });

  it("refuses what could climb out of a storage prefix or reach SQL unescaped, naming the flag", () => {
    for (const id of [
      "",
      "..",
      "a..b",
      "../x",
      "a/b",
      "a\\b",
      ".x",
      "-x",
      "_x",
      "a b",
      "a'b",
      "a;b",
      "é",
      "x".repeat(64),
      "a\nb",
    ]) {
      let error: unknown;
      try {
        validateOrgId(id, "compliance.source.postgres.org_id");
      } catch (e) {
        error = e;
      }
      expect(isComplianceError(error), JSON.stringify(id)).toBe(true);
      expect((error as Error).message).toContain(
        "compliance.source.postgres.org_id: invalid organisation id",
      );
    }
  });

  it("refuses a value that is not a string", () => {
    expect(() => validateOrgId(42)).toThrow(/--org: invalid organisation id number/);
  });
});
