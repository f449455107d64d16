import { COMMAND_EVENT_FIELDS } from "@iddio-compliance/schema";

/** A command event field of the assumed Go struct (docs/data-contract.md §1.1), e.g. `"agent"`. */
export type CommandField = string;

/**
 * Where the iddio enterprise server keeps audit events: table and column names. iddio does not
 * document the `audit_events` columns (docs/data-contract.md §3), so every name is an assumption
 * kept in this one object; override any of them with {@link resolveMapping}.
 */
export interface AuditEventsMapping {
  /** Schema of the table; `null` resolves the table through the connection's `search_path`. @default null */
  readonly schema: string | null;
  /** The table of audit events. @default "audit_events" */
  readonly table: string;
  /** The tenancy column every query filters on. @default "org_id" */
  readonly orgId: string;
  /** The column giving chain order within an organisation, read ascending. @default "seq" */
  readonly sequence: string;
  /**
   * The column holding the line exactly as the proxy hashed it (`text` or `bytea`); `null` when the
   * server keeps only columns and lines must be rebuilt. @default "raw_line"
   */
  readonly rawLine: string | null;
  /** Column of a lifecycle record's kind (`token.rotated`, …); non-null marks a lifecycle row. @default "event" */
  readonly event: string | null;
  /** A `json` column with a lifecycle record's own fields (`json` keeps key order, `jsonb` does not). @default "details" */
  readonly details: string | null;
  /**
   * Column of each command event field, `null` when the field is not stored. `timestamp`, `hash`
   * and `prev_hash` are required in column mode. The event's own `org_id` field is `null` by
   * default: set it to the tenancy column when the proxy writes `org_id` into the hashed line.
   * @default every field in a column of its own name, except `org_id: null`
   */
  readonly fields: Readonly<Record<CommandField, string | null>>;
}

/** A partial mapping: top-level keys replace the defaults; `fields` entries are merged. */
export interface AuditEventsMappingInput extends Partial<Omit<AuditEventsMapping, "fields">> {
  fields?: Readonly<Record<CommandField, string | null>>;
}

/** The assumed `audit_events` layout (docs/data-contract.md §3). */
export const DEFAULT_AUDIT_EVENTS_MAPPING: AuditEventsMapping = Object.freeze({
  schema: null,
  table: "audit_events",
  orgId: "org_id",
  sequence: "seq",
  rawLine: "raw_line",
  event: "event",
  details: "details",
  fields: Object.freeze(
    Object.fromEntries(COMMAND_EVENT_FIELDS.map((f) => [f.name, f.name === "org_id" ? null : f.name])),
  ),
});

/** Fills a partial mapping from {@link DEFAULT_AUDIT_EVENTS_MAPPING}. */
export function resolveMapping(input: AuditEventsMappingInput = {}): AuditEventsMapping {
  const { fields, ...rest } = input;
  const known = new Set(COMMAND_EVENT_FIELDS.map((f) => f.name));
  for (const name of Object.keys(fields ?? {})) {
    if (!known.has(name))
      throw new TypeError(`postgres mapping.fields: "${name}" is not a command event field`);
  }
  return {
    ...DEFAULT_AUDIT_EVENTS_MAPPING,
    ...rest,
    fields: { ...DEFAULT_AUDIT_EVENTS_MAPPING.fields, ...fields },
  };
}
