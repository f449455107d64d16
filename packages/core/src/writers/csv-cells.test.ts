import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { cellText, csvRows, neutraliseText } from "./csv-cells.ts";

describe("CSV cells", () => {
  for (const start of ["=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"]) {
    it(`neutralises a text cell starting with ${JSON.stringify(start)} by prefixing a quote`, () => {
      expect(neutraliseText(`${start}HYPERLINK("http://evil")`)).toBe(`'${start}HYPERLINK("http://evil")`);
    });
  }

  for (const lead of [" ", "  ", '"', "\u00a0", "\u200b", "\ufeff", "\u3000", ' "\u200b']) {
    it(`neutralises a formula hidden behind ${JSON.stringify(lead)}`, () => {
      expect(neutraliseText(`${lead}=cmd|' /C calc'!A0`)).toBe(`'${lead}=cmd|' /C calc'!A0`);
    });
  }

  it("leaves text whose formula character is not at the start alone", () => {
    for (const text of ["claude-code", "a=b", "/api/v1/pods", "x-1", " spaced name", "日本 🚀"])
      expect(neutraliseText(text)).toBe(text);
  });

  it("writes numbers as numbers, booleans as true/false, null as an empty cell and lists as JSON arrays", () => {
    expect([cellText(-3), cellText(true), cellText(false), cellText(null), cellText(["a;b", "c"])]).toEqual([
      "-3",
      "true",
      "false",
      "",
      '["a;b","c"]',
    ]);
  });

  it("quotes a cell holding a bare LF, so a reader finds one row, not two", () => {
    const text = csvRows([["kubectl apply -f -\nsecond line", "x"]]);
    expect(text).toBe('"kubectl apply -f -\nsecond line",x\r\n');
    expect(parse(text)).toEqual([["kubectl apply -f -\nsecond line", "x"]]);
  });

  it("keeps a path that smuggles a formula onto a new line inside its one quoted cell", () => {
    const path = "/x\n=cmd|' /C calc'!A0";
    const rows = parse(csvRows([["path"], [path]]), { relax_column_count: false });
    expect(rows).toEqual([["path"], [path]]);
  });

  it("round-trips commas, quotes, CR, LF and non-ASCII through a CSV parser", () => {
    const rows = [
      ["agent", "path"],
      ['ops "bot", <&>', "line one\nline two\r\nthree\rfour"],
      ["日本 🚀", "a\u2028b"],
    ];
    expect(parse(csvRows(rows))).toEqual(rows);
  });
});
