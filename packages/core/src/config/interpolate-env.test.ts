import { describe, expect, it } from "vitest";
import { interpolateEnv, shieldEnvReferences } from "./interpolate-env.ts";
import { isServerConfigError } from "./server-config-error.ts";

describe("interpolateEnv", () => {
  it("replaces ${VAR} in nested strings and leaves keys and other types alone", () => {
    const value = {
      "${KEY}": "x",
      list: ["a-${A}-b", 3, true, null],
      nested: { url: "https://${HOST}/hook" },
    };
    expect(interpolateEnv(value, { A: "1", HOST: "grc.example.com", KEY: "k" })).toEqual({
      "${KEY}": "x",
      list: ["a-1-b", 3, true, null],
      nested: { url: "https://grc.example.com/hook" },
    });
  });

  it("keeps a value with YAML syntax as a plain string", () => {
    expect(interpolateEnv({ secret: "${S}" }, { S: "a: b\n- c" })).toEqual({ secret: "a: b\n- c" });
  });

  it("reads $${ as a literal ${", () => {
    expect(interpolateEnv("cost $${NOT_A_VAR}", {})).toBe("cost ${NOT_A_VAR}");
  });

  it("accepts an empty variable as set", () => {
    expect(interpolateEnv("x${EMPTY}y", { EMPTY: "" })).toBe("xy");
  });

  it("names the missing variable and the key path", () => {
    let error: unknown;
    try {
      interpolateEnv(
        { connectors: [{ type: "vanta", client_secret: "${VANTA_CLIENT_SECRET}" }] },
        {},
        ["compliance"],
        "server.yaml",
      );
    } catch (caught) {
      error = caught;
    }
    expect(isServerConfigError(error)).toBe(true);
    expect(error).toMatchObject({
      code: "CONFIG_ENV_MISSING",
      variable: "VANTA_CLIENT_SECRET",
      keyPath: "compliance.connectors[0].client_secret",
    });
    expect((error as Error).message).toBe(
      "server.yaml: environment variable VANTA_CLIENT_SECRET is not set (used at compliance.connectors[0].client_secret)",
    );
  });

  it("rejects a malformed reference, naming the key", () => {
    expect(() => interpolateEnv({ documents: { "CC6.1": "${1BAD}" } }, {}, ["compliance"])).toThrow(
      'compliance.documents["CC6.1"]: "${1BAD}" is not a valid ${VAR} reference',
    );
    expect(() => interpolateEnv({ url: "${OPEN" }, {}, [])).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID" }),
    );
  });
});

describe("shieldEnvReferences", () => {
  it("lets ${VAR} stand in YAML flow mappings and restores it after parsing", () => {
    const { text, unshield } = shieldEnvReferences('{ api_key: ${KEY}, note: $${x, url: "${URL}" }');
    expect(text).not.toContain("${");
    const parsed = Object.fromEntries(
      text
        .slice(2, -2)
        .split(", ")
        .map((pair) => pair.split(": ").map((s) => s.replaceAll('"', ""))),
    );
    expect(unshield(parsed)).toEqual({ api_key: "${KEY}", note: "$${x", url: "${URL}" });
  });
});
