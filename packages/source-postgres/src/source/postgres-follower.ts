import { ComplianceError } from "@iddio-compliance/core";
import { type Driver, loadDriver } from "../connection/load-driver.ts";
import { openConnection, unreadable } from "../connection/open-connection.ts";
import { redactPostgresUrl, urlSecrets } from "../connection/redact-url.ts";
import { typeParsers } from "../connection/type-parsers.ts";
import { type AuditEventsMappingInput, resolveMapping } from "../mapping/audit-events-mapping.ts";
import { type LineMode, type LineQuery, planLineQuery, segmentName } from "../query/line-query.ts";
import { describeTable, type TableShape } from "../query/table-shape.ts";
import { validateOrgId } from "../tenancy/validate-org-id.ts";

/** Options of {@link followPostgres}. */
export interface PostgresFollowerOptions {
  /** `postgres://user:password@host:port/db`; each poll opens (and closes) its own connection. */
  url: string;
  /** The organisation whose new rows are followed. */
  orgId: string;
  /** Table and column names. @default DEFAULT_AUDIT_EVENTS_MAPPING */
  mapping?: AuditEventsMappingInput;
  /** How lines are obtained, as for `postgresSource`. @default "auto" */
  mode?: LineMode | "auto";
  /** Rows handed on per poll at most; a longer backlog takes several polls. @default 1000 */
  batchRows?: number;
}

/** New rows since the last poll, as audit lines in chain order. */
export interface FollowedRows {
  /** The segment the lines belong to (`postgres:<table>?org_id=<org>`), as evidence names it. */
  segment: string;
  /** The lines, without newlines. */
  lines: string[];
}

/** Follows one organisation's rows as they are appended (what tailing is for a log file). */
export interface PostgresFollower {
  /**
   * The rows after those already handed on. The first poll starts at the organisation's last row
   * (handed on, so the link of the row after it is checked too), or finds none yet.
   */
  poll(): Promise<FollowedRows>;
}

/**
 * Follows an organisation's `audit_events` rows by bounded polling: each poll reads the rows after
 * the last row key it handed on, with the same index range scan a resumed export uses (`seq > $2`,
 * docs/data-contract.md §6.3), at most `batchRows` of them. Errors name the database with its
 * password as `***`.
 */
export function followPostgres(options: PostgresFollowerOptions): PostgresFollower {
  const orgId = validateOrgId(options.orgId, "orgId");
  const mapping = resolveMapping(options.mapping);
  const location = redactPostgresUrl(options.url);
  const secrets = urlSecrets(options.url);
  const batchRows = options.batchRows ?? 1000;
  let planned: { table: TableShape; query: LineQuery; driver: Driver } | null = null;
  // The last row key handed on; `null` before the first poll found a row.
  let after: string | null = null;

  return {
    async poll() {
      const conn = await openConnection({ url: options.url }, location, secrets);
      try {
        if (!planned) {
          const table = await describeTable(conn.client, mapping);
          if (!table)
            throw new ComplianceError(
              "SOURCE_NOT_FOUND",
              `table "${mapping.table}" not found in PostgreSQL at ${location}`,
              { subject: location },
            );
          planned = {
            table,
            query: planLineQuery(table, mapping, options.mode ?? "auto"),
            driver: await loadDriver(),
          };
        }
        const { table, query, driver } = planned;
        const read = async (sql: string, values: unknown[]) =>
          (
            await conn.client.query({
              text: sql,
              values,
              rowMode: "array",
              types: typeParsers(driver) as never,
            })
          ).rows as unknown[][];
        let rows: unknown[][];
        if (after === null) {
          const last = await read(query.sqlLastKey, [orgId]);
          const key = last[0]?.[0];
          rows = key === undefined ? [] : await read(query.sqlAt, [orgId, String(key)]);
        } else rows = await read(`${query.sqlAfter} LIMIT ${batchRows}`, [orgId, after]);
        const lastRow = rows[rows.length - 1];
        if (lastRow) after = query.toKey(lastRow);
        return {
          segment: segmentName(table, orgId, query.mode),
          lines: rows.map((row) => {
            const line = query.toLine(row);
            return typeof line === "string" ? line : line.toString("utf8");
          }),
        };
      } catch (cause) {
        if (cause instanceof ComplianceError) throw cause;
        throw unreadable(location, secrets, cause);
      } finally {
        await conn.close();
      }
    },
  };
}
