import { describe, expect, it } from "vitest";
import { goMarshalStruct, goMarshalValue, goQuote } from "./go-json.ts";
import { COMMAND_EVENT_FIELDS } from "./struct-order.ts";

describe("goQuote", () => {
  it("escapes <, >, & and the JavaScript line separators the way Go's encoder does", () => {
    expect(goQuote("a<b>&c\u2028d\u2029")).toBe('"a\\u003cb\\u003e\\u0026c\\u2028d\\u2029"');
  });

  it("uses short escapes for quote, backslash, newline, return and tab and \\u00XX for other controls", () => {
    expect(goQuote('"\\\n\r\t\u0001\u001f')).toBe('"\\"\\\\\\n\\r\\t\\u0001\\u001f"');
  });

  it("writes non-ASCII characters as UTF-8, not escapes", () => {
    expect(goQuote("café 🚀")).toBe('"café 🚀"');
  });

  it("replaces a lone surrogate with U+FFFD as Go does for invalid UTF-8", () => {
    expect(goQuote("a\ud800b")).toBe('"a\\ufffdb"');
  });
});

describe("goMarshalStruct", () => {
  it("keeps struct order, drops empty omitempty fields and keeps a zero tier", () => {
    const line = goMarshalStruct(
      {
        prev_hash: "genesis",
        hash: "",
        tier: 0,
        decision: "allow",
        agent: "a",
        timestamp: "t",
        method: "GET",
        path: "/",
        latency_us: 5,
        namespace: "",
      },
      COMMAND_EVENT_FIELDS,
    );
    expect(line).toBe(
      '{"timestamp":"t","agent":"a","method":"GET","path":"/","tier":0,"decision":"allow","latency_us":5,"hash":"","prev_hash":"genesis"}',
    );
  });

  it("refuses a field the struct does not declare", () => {
    expect(() => goMarshalStruct({ nope: 1 }, COMMAND_EVENT_FIELDS)).toThrow(/not declared/);
  });
});

describe("goMarshalValue", () => {
  it("sorts map keys as Go does for map[string]any", () => {
    expect(goMarshalValue({ b: 1, a: { d: [1, "x"], c: null } })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
  });
});
