import {
  COMMAND_EVENT_FIELDS,
  type GoField,
  goMarshalStruct,
  LIFECYCLE_KINDS,
  lifecycleFields,
} from "@iddio-compliance/schema";

/** One row in column mode, with values already normalised (numbers as numbers, timestamps as RFC 3339 text). */
export interface StoredRow {
  /** Command event fields by name (`timestamp`, `agent`, …, `hash`, `prev_hash`); `null`/absent = not set. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The lifecycle kind, or `null` for a command event. */
  readonly event: string | null;
  /** A lifecycle record's own fields, in stored order. */
  readonly details: Readonly<Record<string, unknown>> | null;
}

const KNOWN_KINDS = new Set(LIFECYCLE_KINDS);
const ENVELOPE = new Set(["event", "timestamp", "hash", "prev_hash"]);

/**
 * The Go struct a lifecycle row was written with: the documented fields of its kind
 * (docs/data-contract.md §1.2), then any field the kind does not declare in stored order (a newer
 * proxy appending fields), then `hash`, `prev_hash`. An unknown kind has only the stored fields.
 */
function lifecycleStruct(kind: string, keys: readonly string[]): readonly GoField[] {
  const base = KNOWN_KINDS.has(kind)
    ? lifecycleFields(kind)
    : [
        { name: "event", omitempty: false },
        { name: "timestamp", omitempty: false },
        { name: "hash", omitempty: false },
        { name: "prev_hash", omitempty: false },
      ];
  const declared = new Set(base.map((f) => f.name));
  const extras = keys.filter((k) => !declared.has(k)).map((name) => ({ name, omitempty: false }));
  const at = base.findIndex((f) => f.name === "hash");
  return [...base.slice(0, at), ...extras, ...base.slice(at)];
}

/**
 * Rebuilds the audit line a row stands for, byte for byte as Go's `encoding/json` writes it (struct
 * order, `omitempty`, HTML-safe escapes), so its SHA-256 can be checked against the stored `hash`.
 * What cannot be rebuilt (a float, a value Go could not have written) falls back to JSON text that
 * simply fails the hash check: the verifier then reports `hash_mismatch` for the row.
 */
export function rebuildLine(row: StoredRow): string {
  let record: Record<string, unknown>;
  let fields: readonly GoField[];
  if (row.event !== null) {
    const details: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row.details ?? {}))
      if (!ENVELOPE.has(key)) details[key] = value;
    record = {
      event: row.event,
      timestamp: row.fields.timestamp,
      ...details,
      hash: row.fields.hash,
      prev_hash: row.fields.prev_hash,
    };
    fields = lifecycleStruct(row.event, Object.keys(details));
  } else {
    record = {};
    for (const f of COMMAND_EVENT_FIELDS) {
      const value = row.fields[f.name];
      if (value !== null && value !== undefined) record[f.name] = value;
    }
    fields = COMMAND_EVENT_FIELDS;
  }
  try {
    return goMarshalStruct(record, fields);
  } catch {
    return JSON.stringify(
      Object.fromEntries(
        fields.filter((f) => record[f.name] !== undefined).map((f) => [f.name, record[f.name]]),
      ),
    );
  }
}
