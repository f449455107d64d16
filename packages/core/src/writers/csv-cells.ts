/**
 * Characters a spreadsheet skips or treats as blank before it decides whether a cell is a formula:
 * ASCII whitespace and control characters, NBSP, the Unicode spaces, zero-width characters, the
 * byte-order mark and quote marks (a value may arrive already wrapped in quotes).
 */
const IGNORABLE_LEAD =
  /^[\u0000-\u0020\u007f\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff"'`]*/u;

/** Characters that start a formula, in ASCII and fullwidth forms (Excel and LibreOffice accept both). */
const FORMULA_START = /^[=+\-@\uff1d\uff0b\uff0d\uff20\uFE62\uFE63\uFE66]/u;

/** A cell that starts with one of these (before anything is skipped) is neutralised too. */
const CONTROL_START = /^[\t\r\n]/;

/**
 * Neutralises a spreadsheet formula (DESIGN §5, docs/data-contract.md "CSV cells"): a text cell
 * whose first meaningful character is `=`, `+`, `-`, `@` (or their fullwidth forms) — after any
 * whitespace, NBSP, zero-width characters or quote marks a spreadsheet would skip — or that starts
 * with tab, CR or LF, gets a leading `'`. Agent names, paths and commands come from the log and
 * are attacker-controlled.
 */
export function neutraliseText(text: string): string {
  if (CONTROL_START.test(text)) return `'${text}`;
  const rest = text.slice(IGNORABLE_LEAD.exec(text)?.[0].length ?? 0);
  return FORMULA_START.test(rest) ? `'${text}` : text;
}

/**
 * The text of one cell: `null` is empty, numbers as JavaScript writes them, booleans `true` /
 * `false`, a list as a JSON array (so an item holding the separator stays one item), an object as
 * JSON; text is neutralised.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return neutraliseText(value);
  return neutraliseText(JSON.stringify(value));
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One field of RFC 4180: quoted (quotes doubled) when it holds a quote, comma, CR or LF. */
function field(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Renders rows as RFC 4180 CSV: CRLF between records, every field holding `"`, `,`, CR or LF
 * quoted (a bare LF included: some writers only quote the record delimiter they use), cells
 * rendered by {@link cellText}.
 */
export function csvRows(rows: readonly (readonly unknown[])[]): string {
  let out = "";
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < row.length; i++) {
      if (i > 0) line += ",";
      line += field(cellText(row[i]));
    }
    out += `${line}\r\n`;
  }
  return out;
}
