import { createHash } from "node:crypto";
import {
  type AuditLineSource,
  type ChainSegment,
  ComplianceError,
  type LineBatch,
  type LocateResult,
  type ResumePoint,
} from "@iddio-compliance/core";
import type pg from "pg";
import type Cursor from "pg-cursor";
import { loadDriver } from "../connection/load-driver.ts";
import { openConnection, scrub, unreadable } from "../connection/open-connection.ts";
import { redactPostgresUrl, urlSecrets } from "../connection/redact-url.ts";
import { typeParsers } from "../connection/type-parsers.ts";
import { type AuditEventsMappingInput, resolveMapping } from "../mapping/audit-events-mapping.ts";
import { type LineMode, type LineQuery, planLineQuery, segmentName } from "../query/line-query.ts";
import { describeTable, quoteIdent, type TableShape } from "../query/table-shape.ts";
import { validateOrgId } from "../tenancy/validate-org-id.ts";
import { lineBlock, ownsMemory } from "./line-block.ts";
import { SegmentDigest } from "./segment-digest.ts";

/** Options of {@link postgresSource}. Give exactly one of `url` and `client`. */
export interface PostgresSourceOptions {
  /** `postgres://user:password@host:port/db`; the source opens (and closes) its own connections. */
  url?: string;
  /** A connected client to read through instead; the source never ends it. */
  client?: pg.ClientBase;
  /** The organisation whose events are read; validated, and every query is filtered on it. */
  orgId: string;
  /** Table and column names. @default DEFAULT_AUDIT_EVENTS_MAPPING */
  mapping?: AuditEventsMappingInput;
  /**
   * `raw`: hash the stored line bytes; `columns`: rebuild each line from columns as Go would write
   * it; `auto`: `raw` when the table has the raw line column. @default "auto"
   */
  mode?: LineMode | "auto";
  /** The iddio home for policy.yaml, tokens.yaml, certificates and recordings. @default null (those inputs are reported missing) */
  home?: string;
  /** Rows fetched per cursor round trip; memory holds about two batches. @default 5000 */
  batchRows?: number;
}

/** A {@link AuditLineSource} over PostgreSQL, with what it learnt once read. */
export interface PostgresSource extends AuditLineSource {
  readonly type: "postgres";
  readonly orgId: string;
  /** How lines were obtained, once `segments()` has started. */
  readonly mode: LineMode | null;
  /**
   * The sequence column's value of the rows at the given line numbers (row ordinals), to name
   * the rows a finding points at (`SELECT … WHERE seq = …`).
   */
  rowIds(lines: readonly number[]): Promise<Map<number, string>>;
}

const DEFAULT_BATCH_ROWS = 5000;

/**
 * Streams one organisation's audit events from the iddio enterprise server's PostgreSQL in chain
 * order (DESIGN §3.4) through a server-side cursor, `batchRows` rows at a time, never loading the
 * table. The whole stream is one segment named `postgres:<table>?org_id=<org>` whose line numbers
 * are row ordinals; its digest is the SHA-256 of the lines each followed by `\n`, i.e. of the JSONL
 * file holding the same lines. Lives outside `@iddio-compliance/core` so core stays free of a
 * database driver.
 */
export function postgresSource(options: PostgresSourceOptions): PostgresSource {
  const orgId = validateOrgId(options.orgId, "orgId");
  if ((options.url === undefined) === (options.client === undefined)) {
    throw new ComplianceError("INVALID_OPTION", "postgres source: give exactly one of url and client", {
      subject: "url",
    });
  }
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1)
    throw new ComplianceError(
      "INVALID_OPTION",
      `postgres source: batchRows must be a positive integer, got ${batchRows}`,
      { subject: "batchRows" },
    );
  const mapping = resolveMapping(options.mapping);
  const location =
    options.url !== undefined
      ? redactPostgresUrl(options.url)
      : clientLocation(options.client as pg.ClientBase);
  const secrets = options.url !== undefined ? urlSecrets(options.url) : [];
  const target = { url: options.url, client: options.client };
  let mode: LineMode | null = null;

  const plan = async (): Promise<{ table: TableShape; query: LineQuery }> => {
    const conn = await openConnection(target, location, secrets);
    try {
      const table = await describeTable(conn.client, mapping).catch((cause: Error) => {
        throw unreadable(location, secrets, cause);
      });
      if (!table) {
        const where = mapping.schema === null ? "on the search_path" : `in schema "${mapping.schema}"`;
        throw new ComplianceError(
          "SOURCE_NOT_FOUND",
          `table "${mapping.table}" not found ${where} in PostgreSQL at ${location}`,
          { subject: location },
        );
      }
      return { table, query: planLineQuery(table, mapping, options.mode ?? "auto") };
    } finally {
      await conn.close();
    }
  };

  async function* readBatches(
    table: TableShape,
    query: LineQuery,
    digest: SegmentDigest,
    from: ResumePoint | undefined,
  ): AsyncGenerator<LineBatch> {
    const driver = await loadDriver();
    const conn = await openConnection(target, location, secrets);
    const liveness = watchConnection(conn.client);
    // After a checkpoint, only the rows after its row key (an index range scan, never the org's history).
    const after = from?.rowKey ?? null;
    const cursor = conn.client.query(
      new driver.Cursor(
        after === null ? query.sql : query.sqlAfter,
        after === null ? [orgId] : [orgId, after],
        {
          rowMode: "array",
          types: typeParsers(driver) as never,
        },
      ),
    );
    let pending: Promise<unknown[][]> | null = null;
    let failed = false;
    try {
      const firstLine = after === null ? 1 : (from as ResumePoint).line + 1;
      let lineNo = firstLine;
      // One batch is always in flight while the previous one is verified: the database and the
      // hashing overlap, and memory stays at about two batches.
      pending = prefetch(cursor, batchRows);
      for (;;) {
        const rows: unknown[][] = await pending;
        pending = rows.length === batchRows ? prefetch(cursor, batchRows) : null;
        if (rows.length === 0) break;
        const block = lineBlock(rows.map(query.toLine));
        digest.add(block);
        yield {
          block,
          firstLine: lineNo,
          incompleteTail: false,
          bytesRead: digest.bytes,
          transferable: ownsMemory(block),
          keys: rows.map(query.toKey),
        };
        lineNo += rows.length;
        if (pending === null) break;
      }
      // Nothing after a checkpoint is no news; nothing at all is an empty source.
      if (lineNo === 1 && after === null) {
        throw new ComplianceError(
          "SOURCE_EMPTY",
          `no audit events for org_id "${orgId}" in ${table.display} at ${location}`,
          { subject: orgId },
        );
      }
    } catch (cause) {
      failed = true;
      if (cause instanceof ComplianceError) throw cause;
      throw new Error(scrub((cause as Error).message, secrets), { cause });
    } finally {
      await pending?.catch(() => {});
      // Closing the portal waits for the server's reply: only ask a connection that is still alive.
      if (!failed && !liveness.dead) await Promise.race([cursor.close().catch(() => {}), liveness.ended]);
      liveness.stop();
      await conn.close();
    }
  }

  return {
    type: "postgres",
    location,
    orgId,
    home: options.home ?? null,
    totalBytes: null,
    get mode() {
      return mode;
    },
    async rowIds(lines) {
      const wanted = [...new Set(lines)].filter((n) => Number.isInteger(n) && n > 0);
      if (wanted.length === 0) return new Map();
      const { table } = await plan();
      const org = quoteIdent(mapping.orgId);
      const seq = quoteIdent(mapping.sequence);
      const conn = await openConnection(target, location, secrets);
      try {
        const { rows } = await conn.client.query<{ n: string; id: string }>(
          `SELECT n::text AS n, id FROM (SELECT row_number() OVER (ORDER BY ${seq}) AS n, ${seq}::text AS id FROM ${table.sql} WHERE ${org} = $1) x WHERE n = ANY($2::bigint[])`,
          [orgId, wanted],
        );
        return new Map(rows.map((r) => [Number(r.n), r.id]));
      } finally {
        await conn.close();
      }
    },
    async *segments(_head, _anchor, from) {
      const { table, query } = await plan();
      mode = query.mode;
      const digest = new SegmentDigest();
      const resumed = from?.rowKey != null ? from : undefined;
      const segment: ChainSegment = {
        name: segmentName(table, orgId, query.mode),
        compressed: false,
        batches: () => readBatches(table, query, digest, resumed),
        digest: () => digest.result(),
        ...(resumed ? { firstLine: resumed.line + 1, firstEventHash: resumed.firstEventHash } : {}),
      };
      yield segment;
    },
    async locate(position): Promise<LocateResult> {
      const where = `row ${position.row_key ?? "(none)"} (line ${position.line} of "${position.segment}")`;
      if (position.row_key === null)
        return { missing: `the checkpoint names ${where} without a row key (not a database position)` };
      const { table, query } = await plan();
      if (segmentName(table, orgId, query.mode) !== position.segment)
        return {
          missing: `the checkpoint is a position in "${position.segment}", and the rows are now read as "${segmentName(table, orgId, query.mode)}"`,
        };
      const conn = await openConnection(target, location, secrets);
      let rows: unknown[][];
      try {
        rows = (
          await conn.client.query({
            text: query.sqlAt,
            values: [orgId, position.row_key],
            rowMode: "array",
            types: typeParsers(await loadDriver()) as never,
          })
        ).rows as unknown[][];
      } catch (cause) {
        throw unreadable(location, secrets, cause);
      } finally {
        await conn.close();
      }
      const row = rows[0];
      if (!row) return { missing: `the table no longer holds the checkpoint's ${where}` };
      const line = lineBlock([query.toLine(row)]);
      const sha256 = createHash("sha256")
        .update(line.subarray(0, line.length - 1))
        .digest("hex");
      if (sha256 !== position.line_sha256)
        return { missing: `the checkpoint's ${where} holds another line now (edited or replaced)` };
      return {
        found: {
          segment: position.segment,
          line: position.line,
          offset: null,
          rowKey: position.row_key,
          firstEventHash: position.segment_first_hash,
        },
      };
    },
  };
}

/**
 * Starts reading the next batch. The read may fail (connection lost) while the previous batch is
 * still being verified, before anyone awaits it: a handler is attached at once so that is not an
 * unhandled rejection; awaiting the returned promise still sees the failure.
 */
function prefetch(cursor: Cursor, rows: number): Promise<unknown[][]> {
  const read = cursor.read(rows) as Promise<unknown[][]>;
  read.catch(() => {});
  return read;
}

/** Tracks whether a client's connection has died (error or end), without waiting on it. */
function watchConnection(client: pg.ClientBase): {
  readonly dead: boolean;
  ended: Promise<void>;
  stop(): void;
} {
  let dead = false;
  let resolveEnded: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    resolveEnded = resolve;
  });
  const onDead = () => {
    dead = true;
    resolveEnded();
  };
  client.on("error", onDead);
  client.on("end", onDead);
  return {
    get dead() {
      return dead;
    },
    ended,
    stop() {
      client.removeListener("error", onDead);
      client.removeListener("end", onDead);
    },
  };
}

function clientLocation(client: pg.ClientBase): string {
  const c = client as unknown as { user?: string; host?: string; port?: number; database?: string };
  return `postgres://${c.user ? `${c.user}@` : ""}${c.host ?? "localhost"}:${c.port ?? 5432}/${c.database ?? ""}`;
}
