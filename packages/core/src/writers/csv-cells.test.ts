import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvRows, neutraliseCell } from "./csv-cells.ts";

describe("CSV cells", () => {
  for (const start of ["=", "+", "-", "@", "\t", "\r"]) {
    it(`neutralises a text cell starting with ${JSON.stringify(start)} by prefixing a quote`, () => {
      expect(neutraliseCell(`${start}HYPERLINK("http://evil")`)).toBe(`'${start}HYPERLINK("http://evil")`);
    });
  }

  it("leaves numbers, booleans and ordinary text alone and writes null as an empty cell", () => {
    expect([
      neutraliseCell(-3),
      neutraliseCell(true),
      neutraliseCell("claude-code"),
      neutraliseCell(null),
    ]).toEqual([-3, true, "claude-code", ""]);
  });

  it("round-trips commas, quotes, newlines and non-ASCII through a CSV parser", () => {
    const rows = [
      ["agent", "path"],
      ['ops "bot", <&>', "line one\nline two\r\nthree"],
      ["日本 🚀", "a\u2028b"],
    ];
    expect(parse(csvRows(rows))).toEqual(rows);
  });

  it("joins list cells with semicolons", () => {
    expect(parse(csvRows([[["payments", "monitoring"]]]))).toEqual([["payments;monitoring"]]);
  });
});
