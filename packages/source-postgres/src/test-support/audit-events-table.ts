import { COMMAND_EVENT_FIELDS } from "@iddio-compliance/schema";
import type pg from "pg";

const INTEGER = new Set(["tier", "latency_us", "exit_code", "approval_wait_ms"]);
const FIELDS = COMMAND_EVENT_FIELDS.map((f) => f.name).filter(
  (n) => !["timestamp", "hash", "prev_hash", "org_id"].includes(n),
);
const TYPE: Record<string, string> = {
  tier: "smallint",
  latency_us: "bigint",
  exit_code: "integer",
  approval_wait_ms: "bigint",
};

/**
 * The assumed `audit_events` table (docs/data-contract.md §3): a global sequence (so orgs
 * interleave), the tenancy column, the raw line, one column per command field, and `event` +
 * `details json` for lifecycle records.
 */
export function auditEventsDdl(table = "audit_events"): string {
  const cols = FIELDS.map((f) => `"${f}" ${TYPE[f] ?? "text"}`).join(", ");
  return `CREATE TABLE "${table}" (seq bigserial PRIMARY KEY, org_id text NOT NULL, raw_line text, event text, "timestamp" timestamptz NOT NULL, ${cols}, details json, hash text NOT NULL, prev_hash text NOT NULL);
CREATE INDEX ON "${table}" (org_id, seq);`;
}

/** One audit line of one organisation, to insert. */
export interface OrgLine {
  org: string;
  line: string;
}

const COLUMNS = ["org_id", "raw_line", "event", "timestamp", ...FIELDS, "details", "hash", "prev_hash"];
const CASTS = COLUMNS.map((c) =>
  c === "timestamp" ? "timestamptz" : c === "details" ? "json" : (TYPE[c] ?? "text"),
);
const ENVELOPE = new Set(["event", "timestamp", "hash", "prev_hash"]);

/** The column values of a line: lifecycle fields go to `details` (in stored order), command fields to their columns. */
function columnsOf(org: string, line: string, withRaw: boolean): unknown[] {
  const record = JSON.parse(line) as Record<string, unknown>;
  const values: Record<string, unknown> = {
    org_id: org,
    raw_line: withRaw ? line : null,
    timestamp: record.timestamp,
    hash: record.hash,
    prev_hash: record.prev_hash,
  };
  if (typeof record.event === "string") {
    values.event = record.event;
    values.details = JSON.stringify(
      Object.fromEntries(Object.entries(record).filter(([k]) => !ENVELOPE.has(k))),
    );
  } else {
    for (const f of FIELDS)
      if (record[f] !== undefined) values[f] = INTEGER.has(f) ? record[f] : String(record[f]);
  }
  return COLUMNS.map((c) => values[c] ?? null);
}

/** Inserts rows in the given order (the sequence follows it), every column filled, a few thousand per statement. */
export async function insertLines(
  client: pg.ClientBase,
  lines: readonly OrgLine[],
  options: { table?: string; raw?: boolean } = {},
): Promise<void> {
  const table = options.table ?? "audit_events";
  const sql = `INSERT INTO "${table}" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) SELECT * FROM unnest(${CASTS.map((t, i) => `$${i + 1}::${t}[]`).join(", ")})`;
  const chunk = 5000;
  for (let start = 0; start < lines.length; start += chunk) {
    const arrays: unknown[][] = COLUMNS.map(() => []);
    for (const { org, line } of lines.slice(start, start + chunk)) {
      const row = columnsOf(org, line, options.raw ?? true);
      for (let i = 0; i < row.length; i++) (arrays[i] as unknown[]).push(row[i]);
    }
    await client.query(sql, arrays);
  }
}

/**
 * Merges organisations' chains by timestamp, so that their rows interleave in the table; each
 * organisation's lines keep their chain order (a timestamp that goes back stays where it is).
 */
export function interleave(orgs: Readonly<Record<string, readonly string[]>>): OrgLine[] {
  const time = (line: string) => Date.parse((JSON.parse(line) as { timestamp: string }).timestamp);
  const heads = Object.entries(orgs)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([org, lines]) => ({ org, lines, at: 0, t: lines.length > 0 ? time(lines[0] as string) : 0 }));
  const out: OrgLine[] = [];
  for (let left = heads.reduce((n, h) => n + h.lines.length, 0); left > 0; left--) {
    let next: (typeof heads)[number] | undefined;
    for (const h of heads) if (h.at < h.lines.length && (!next || h.t < next.t)) next = h;
    const pick = next as (typeof heads)[number];
    out.push({ org: pick.org, line: pick.lines[pick.at] as string });
    pick.at++;
    if (pick.at < pick.lines.length) pick.t = time(pick.lines[pick.at] as string);
  }
  return out;
}

/**
 * Appends one organisation's lines with only the raw line and its envelope (timestamp, hash,
 * prev_hash, extracted by PostgreSQL): the fast path for large tables.
 */
export async function insertRawLines(
  client: pg.ClientBase,
  org: string,
  lines: readonly string[],
  table = "audit_events",
): Promise<void> {
  await client.query(
    `INSERT INTO "${table}" (org_id, raw_line, "timestamp", hash, prev_hash) SELECT $1, l, (j->>'timestamp')::timestamptz, j->>'hash', j->>'prev_hash' FROM (SELECT l, l::json AS j FROM unnest(string_to_array($2, E'\\n')) WITH ORDINALITY AS u(l, n) ORDER BY n) x`,
    [org, lines.join("\n")],
  );
}
