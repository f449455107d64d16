import { describe, expect, it } from "vitest";
import { lineBlock, ownsMemory } from "./line-block.ts";

describe("lineBlock", () => {
  it("joins text lines, each followed by a newline", () => {
    expect(lineBlock(['{"a":1}', '{"b":"é"}']).toString("utf8")).toBe('{"a":1}\n{"b":"é"}\n');
  });

  it("joins bytea lines byte for byte, invalid UTF-8 included", () => {
    expect(lineBlock([Buffer.from([0x7b, 0xff, 0x7d]), "x"])).toEqual(
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a, 0x78, 0x0a]),
    );
  });

  it("keeps a row with a raw newline on one line, so line numbers stay row ordinals", () => {
    expect(lineBlock(["a\nb", "c"]).toString()).toBe("a b\nc\n");
    expect(lineBlock([Buffer.from("a\nb"), "c"]).toString()).toBe("a b\nc\n");
  });

  it("lets a large block be moved to a worker but never a view into shared memory", () => {
    expect(ownsMemory(lineBlock(["x".repeat(10_000)]))).toBe(true);
    expect(ownsMemory(lineBlock(["x"]))).toBe(true);
    expect(ownsMemory(Buffer.from("small"))).toBe(false);
  });
});
