import { readRecordLine } from "../chain/chain-verifier.ts";
import type { ScannedBlock } from "../chain/hash-pool.ts";
import type { BlockScan } from "../chain/scan-block.ts";
import type { RecordLocation } from "../sources/read-audit-chain.ts";

/** Receives the records read from verified blocks (the export's `RecordDispatch`). */
export interface RecordConsumer {
  consume(record: Record<string, unknown>, at: RecordLocation): void;
  /** A line whose hash the chain accepts but that is not a JSON record. */
  unreadable(): void;
  /**
   * The time span (ms) command events matter in: one outside it is not even parsed, as no mapper
   * reads it (lifecycle records always are: they carry state into the period) — but for an
   * escalation from `escalationsFromMs` on, whose outcome may fall in the period.
   */
  readonly commandWindow?: { startMs: number; endMs: number; escalationsFromMs: number };
}

const COMMAND_START = Buffer.from('{"timestamp":"');
const EVENT_KEY = Buffer.from('"event"');
const ESCAPE = Buffer.from("\\u");
const ESCALATE = Buffer.from('"escalate"');

/**
 * Reads the records of a verified block and hands them to the mappers, in line order. A line the
 * verifier could not scan (status 3) is a record exactly when the verifier's own reading says so;
 * a line whose hash the verifier accepted but that is not a JSON record is counted, never dropped.
 */
export function mapBlock(
  dispatch: RecordConsumer,
  { bytes, scan }: ScannedBlock,
  file: string,
  firstLine: number,
): void {
  const window = dispatch.commandWindow;
  // Where `"event"` and a `\u` escape next occur in the block (each searched once per occurrence).
  const next = { event: -1, escape: -1 };
  for (let i = 0; i < scan.count; i++) {
    const line = firstLine + i;
    const scanned = scan.status[i] !== 3;
    if (scanned && window) {
      const time = scan.times[i] as number;
      if (time < window.startMs || time >= window.endMs) {
        const from = scan.lineStart[i] as number;
        const end = i + 1 < scan.count ? (scan.lineStart[i + 1] as number) : bytes.length;
        // A command event (iddio writes `timestamp` first) outside the window: no `"event"` key,
        // not even spelled with escapes or spaces.
        // An escalation shortly before the period is read: its outcome may fall in the period.
        if (
          startsWith(bytes, from, COMMAND_START) &&
          nextAt(bytes, EVENT_KEY, from, next, "event") >= end &&
          nextAt(bytes, ESCAPE, from, next, "escape") >= end &&
          !(time >= window.escalationsFromMs && time < window.startMs && holds(bytes, from, end, ESCALATE))
        )
          continue;
      }
    }
    if (scanned) {
      const record = parseScanned(bytes, scan, i);
      if (record) {
        dispatch.consume(record, { file, line, timeMs: scan.times[i] as number });
        continue;
      }
    }
    const from = scan.lineStart[i] as number;
    const read = readRecordLine(
      bytes.subarray(from, bytes.indexOf(0x0a, from)),
      scanned ? (scan.hashAt[i] as number) - from : undefined,
    );
    if (!("error" in read))
      dispatch.consume(
        read.record,
        scanned ? { file, line, timeMs: scan.times[i] as number } : { file, line },
      );
    else if (scanned) dispatch.unreadable();
  }
}

/**
 * Parses line `i` of a scanned block, or returns `null` for the slow path. The fast case is a line
 * the scan found in iddio's shape (see `BlockScan.plain`): then it is valid JSON exactly when the
 * part before `,"hash"` closed with `}` is, and only that part is parsed (a third less to parse):
 * the comma is overwritten with `}` in place and put back. Mappers never read `hash` or `prev_hash`.
 */
function parseScanned(bytes: Buffer, scan: BlockScan, i: number): Record<string, unknown> | null {
  if (scan.plain[i] !== 1) return null;
  const from = scan.lineStart[i] as number;
  const comma = (scan.hashAt[i] as number) - 9; // `,"hash":"`
  let parsed: unknown;
  bytes[comma] = 0x7d;
  try {
    parsed = JSON.parse(bytes.toString("utf8", from, comma + 1));
  } catch {
    return null;
  } finally {
    bytes[comma] = 0x2c;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  return parsed as Record<string, unknown>;
}

/** The next offset of `needle` at or after `from`, remembered in `next[key]` (Infinity: none left). */
function nextAt(
  bytes: Buffer,
  needle: Buffer,
  from: number,
  next: { event: number; escape: number },
  key: "event" | "escape",
): number {
  if (next[key] < from) {
    const at = bytes.indexOf(needle, from);
    next[key] = at === -1 ? Number.POSITIVE_INFINITY : at;
  }
  return next[key];
}

/** Whether `needle` occurs in `bytes[from, end)`. */
function holds(bytes: Buffer, from: number, end: number, needle: Buffer): boolean {
  return bytes.subarray(from, end).indexOf(needle) !== -1;
}

function startsWith(bytes: Buffer, from: number, prefix: Buffer): boolean {
  for (let k = 0; k < prefix.length; k++) if (bytes[from + k] !== prefix[k]) return false;
  return true;
}
