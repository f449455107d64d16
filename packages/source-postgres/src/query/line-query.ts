import { ComplianceError } from "@iddio-compliance/core";
import { COMMAND_EVENT_FIELDS } from "@iddio-compliance/schema";
import { rebuildLine } from "../lines/rebuild-line.ts";
import type { AuditEventsMapping } from "../mapping/audit-events-mapping.ts";
import { quoteIdent, type TableShape } from "./table-shape.ts";

/** How lines are obtained: the stored bytes (`raw`) or rebuilt from columns (`columns`). */
export type LineMode = "raw" | "columns";

/**
 * The queries that read an organisation's lines, and how a result row becomes a line. Each row
 * ends with the sequence column's value as text: the row key a checkpoint names.
 */
export interface LineQuery {
  readonly mode: LineMode;
  /** Every row in chain order. Parameterised: `$1` is the organisation id. */
  readonly sql: string;
  /**
   * The rows after a row key (`$2`), in chain order: `WHERE org = $1 AND seq > $2 ORDER BY seq`,
   * which an index on `(org, seq)` answers without a sort (docs/data-contract.md §6.3).
   */
  readonly sqlAfter: string;
  /** The one row with a row key (`$2`). */
  readonly sqlAt: string;
  /** The row key of the organisation's last row (a backward scan of the same index). */
  readonly sqlLastKey: string;
  /** The line of a row, without newline: text, or the bytes of a `bytea` column. */
  toLine(row: readonly unknown[]): string | Buffer;
  /** The row key of a row (its last column). */
  toKey(row: readonly unknown[]): string;
}

/** How evidence names an organisation's rows: `postgres:<table>?org_id=<org>`, `&lines=rebuilt` in column mode. */
export function segmentName(table: TableShape, orgId: string, mode: LineMode): string {
  return `postgres:${table.display}?org_id=${orgId}${mode === "columns" ? "&lines=rebuilt" : ""}`;
}

const INTEGER_FIELDS = new Set(["tier", "latency_us", "exit_code", "approval_wait_ms"]);
const REQUIRED_IN_COLUMN_MODE = ["timestamp", "hash", "prev_hash"];

function isTimestampType(type: string): boolean {
  return type.startsWith("timestamp");
}

/** `2026-01-05T10:00:00.120000` (UTC) → Go's RFC 3339 with nanoseconds trimmed: `2026-01-05T10:00:00.12Z`. */
function goTimestamp(local: string): string {
  return `${local.replace(/\.(\d*?)0*$/, (_, frac: string) => (frac ? `.${frac}` : ""))}Z`;
}

/** A `json`/`jsonb` value arrives parsed; a `text` one is parsed here (non-objects count as none). */
function parseDetails(value: unknown): Record<string, unknown> | null {
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : null;
}

function selectExpression(column: string, type: string): string {
  // A timestamp column is read as UTC text to the microsecond: Date objects would drop the microseconds.
  return isTimestampType(type)
    ? `to_char(${quoteIdent(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`
    : quoteIdent(column);
}

function requireColumn(table: TableShape, column: string | null, role: string): string {
  if (column === null || !table.columns.has(column)) {
    throw new ComplianceError(
      "INVALID_OPTION",
      `postgres source: table ${table.display} has no column "${column ?? "(none)"}" for ${role} (see mapping in docs/data-contract.md §3)`,
      { subject: `mapping.${role}` },
    );
  }
  return column;
}

/**
 * Plans the query for `mode` (`auto`: the raw line column when the table has it, else columns).
 * Rows come in chain order (`ORDER BY <sequence>`), filtered by the tenancy column. In column mode
 * a mapped field whose column the table lacks is treated as not stored; `timestamp`, `hash` and
 * `prev_hash` must exist.
 */
export function planLineQuery(
  table: TableShape,
  mapping: AuditEventsMapping,
  mode: LineMode | "auto",
): LineQuery {
  const org = requireColumn(table, mapping.orgId, "orgId");
  const seq = requireColumn(table, mapping.sequence, "sequence");
  const from = ` FROM ${table.sql} WHERE ${quoteIdent(org)} = $1`;
  const order = ` ORDER BY ${quoteIdent(seq)} ASC`;
  const queries = (select: string) => {
    // Aliased: an output column named like the sequence would capture `ORDER BY` (as text).
    const columns = `SELECT ${select}, ${quoteIdent(seq)}::text AS iddio_row_key`;
    return {
      sql: `${columns}${from}${order}`,
      sqlAfter: `${columns}${from} AND ${quoteIdent(seq)} > $2${order}`,
      sqlAt: `${columns}${from} AND ${quoteIdent(seq)} = $2`,
      sqlLastKey: `SELECT ${quoteIdent(seq)}::text AS iddio_row_key${from} ORDER BY ${quoteIdent(seq)} DESC LIMIT 1`,
      toKey: (row: readonly unknown[]) => String(row[row.length - 1]),
    };
  };
  const hasRaw = mapping.rawLine !== null && table.columns.has(mapping.rawLine);
  if (mode === "raw" || (mode === "auto" && hasRaw)) {
    const raw = requireColumn(table, mapping.rawLine, "rawLine");
    return {
      mode: "raw",
      ...queries(quoteIdent(raw)),
      toLine: (row) => {
        const value = row[0];
        if (value === null || value === undefined) return "";
        return Buffer.isBuffer(value) ? value : String(value);
      },
    };
  }
  for (const field of REQUIRED_IN_COLUMN_MODE)
    requireColumn(table, mapping.fields[field] ?? null, `fields.${field}`);
  const selected: { field: string; integer: boolean }[] = [];
  const exprs: string[] = [];
  for (const { name } of COMMAND_EVENT_FIELDS) {
    const column = mapping.fields[name];
    const type = column ? table.columns.get(column) : undefined;
    if (!column || type === undefined) continue;
    selected.push({ field: name, integer: INTEGER_FIELDS.has(name) });
    exprs.push(selectExpression(column, type));
  }
  const timestampAt = selected.findIndex((s) => s.field === "timestamp");
  const timestampIsTyped = isTimestampType(table.columns.get(mapping.fields.timestamp as string) ?? "");
  const eventAt =
    mapping.event !== null && table.columns.has(mapping.event)
      ? exprs.push(quoteIdent(mapping.event)) - 1
      : -1;
  const detailsAt =
    mapping.details !== null && table.columns.has(mapping.details)
      ? exprs.push(quoteIdent(mapping.details)) - 1
      : -1;
  return {
    mode: "columns",
    ...queries(exprs.join(", ")),
    toLine: (row) => {
      const fields: Record<string, unknown> = {};
      for (let i = 0; i < selected.length; i++) {
        const { field, integer } = selected[i] as { field: string; integer: boolean };
        let value = row[i];
        if (integer && typeof value === "string" && /^-?\d+$/.test(value)) value = Number(value);
        fields[field] = value;
      }
      if (timestampIsTyped && typeof fields.timestamp === "string")
        fields.timestamp = goTimestamp(row[timestampAt] as string);
      const event = eventAt >= 0 ? ((row[eventAt] as string | null) ?? null) : null;
      const details = detailsAt >= 0 ? parseDetails(row[detailsAt]) : null;
      return rebuildLine({ fields, event, details });
    },
  };
}
