import { stringify } from "csv-stringify/sync";

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a spreadsheet formula: a text cell beginning with `=`, `+`, `-`, `@`, tab or
 * carriage return gets a leading `'` (agent names and paths are attacker-controlled).
 */
export function neutraliseCell(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return value;
  const text = Array.isArray(value)
    ? value.join(";")
    : typeof value === "string"
      ? value
      : JSON.stringify(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Renders rows as RFC 4180 CSV (CRLF line ends, quotes doubled), cells neutralised. */
export function csvRows(rows: readonly (readonly unknown[])[]): string {
  return stringify(
    rows.map((row) => row.map(neutraliseCell)),
    { record_delimiter: "\r\n" },
  );
}
