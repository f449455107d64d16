import { sha256Hex } from "@iddio-compliance/connector-sdk";
import { type GoField, goMarshalStruct, lifecycleFields } from "@iddio-compliance/schema";

/** A record to append: `event`, optional `timestamp`, and the kind's fields. */
export interface LedgerRecordInput {
  event: string;
  timestamp: string;
  [field: string]: unknown;
}

function fieldsOf(kind: string): readonly GoField[] {
  return lifecycleFields(kind);
}

/**
 * Encodes one ledger line exactly as iddio's Go writer would (struct order, HTML-safe escaping)
 * and chains it: `hash` is the SHA-256 of the line with `"hash":""` in place (DESIGN §4), so
 * `iddio-compliance verify` verifies the ledger like any audit log. Fields the kind does not
 * declare are dropped.
 */
export function encodeLedgerRecord(
  record: LedgerRecordInput,
  prevHash: string,
): { line: string; hash: string } {
  const fields = fieldsOf(record.event);
  const declared = new Set(fields.map((f) => f.name));
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (declared.has(key)) values[key] = value;
  const blank = goMarshalStruct({ ...values, hash: "", prev_hash: prevHash }, fields);
  const hash = sha256Hex(blank);
  const marker = `"hash":"","prev_hash":`;
  const at = blank.lastIndexOf(marker);
  return {
    line: `${blank.slice(0, at)}"hash":"${hash}","prev_hash":${blank.slice(at + marker.length)}`,
    hash,
  };
}
