import type pg from "pg";
import type { AuditEventsMapping } from "../mapping/audit-events-mapping.ts";

/** The table as PostgreSQL describes it: its SQL name and each column's type. */
export interface TableShape {
  /** Quoted, optionally schema-qualified name for SQL. */
  readonly sql: string;
  /** Unquoted name for evidence, e.g. `audit_events` or `iddio.audit_events`. */
  readonly display: string;
  /** Column name → type as `format_type` writes it (`text`, `bytea`, `timestamp with time zone`, …). */
  readonly columns: ReadonlyMap<string, string>;
}

/** Quotes an identifier for SQL (mapping names are configuration, still never spliced raw). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Looks the mapped table up; `null` when it does not exist (or is not visible on the search path). */
export async function describeTable(
  client: pg.ClientBase,
  mapping: AuditEventsMapping,
): Promise<TableShape | null> {
  const sql =
    mapping.schema === null
      ? quoteIdent(mapping.table)
      : `${quoteIdent(mapping.schema)}.${quoteIdent(mapping.table)}`;
  const result = await client.query<{ name: string; type: string }>(
    "SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
    [sql],
  );
  if (result.rows.length === 0) return null;
  const display = mapping.schema === null ? mapping.table : `${mapping.schema}.${mapping.table}`;
  return { sql, display, columns: new Map(result.rows.map((r) => [r.name, r.type])) };
}
