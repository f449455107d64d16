import type { MerkleSummary } from "@iddio-compliance/schema";
import { readRecordLine } from "../chain/chain-verifier.ts";
import type { ScannedBlock } from "../chain/hash-pool.ts";
import type { ChainAnchor } from "../export/export-options.ts";
import type { ChainSink, RecordLocation } from "../sources/read-audit-chain.ts";
import { MERKLE_ALGORITHM } from "./merkle-tree.ts";

/** What {@link PeriodEvents} feeds: the `hash` of each event of the segment, in chain order. */
export interface SegmentConsumer {
  /** The event's 64-character `hash` value is at `bytes[hashAt]`. Must not keep `bytes`. */
  appendEventHashAt(bytes: Uint8Array, hashAt: number): void;
  /** An event whose `hash` value is given as a string (one the byte scan did not read). */
  appendEventHash(hash: string): void;
}

/** One event of the segment in full, for a caller that asked for lines (a sample's draw). */
export interface SegmentLine {
  /** 0-based position in the chain, counted from genesis. */
  index: number;
  file: string;
  line: number;
  /** The stored line without its newline; `null` for a last line without one (not kept as bytes). */
  bytes: Buffer | null;
}

/** The segment as found: its size, and its first and last event. */
export interface SegmentBounds {
  size: number;
  first: { index: number; hash: string; prev_hash: string } | null;
  last: { index: number; hash: string } | null;
}

/**
 * Finds a period's segment of the chain while the chain is read, feeds its events' hashes to a
 * consumer (the Merkle tree), and passes every block on to `inner` unchanged.
 *
 * The segment of the period [start, end) is the run of events, in chain order, from the first
 * event whose `timestamp` is at or after `start` up to, not including, the first event at or after
 * `end`. So consecutive periods' segments meet exactly (event indexes line up), a closed period's
 * segment never changes as the log grows, and with ordered timestamps it holds exactly the
 * period's events. An event's index counts every event of the chain from genesis (from the
 * checkpoint's count when the log starts right after a trusted checkpoint).
 */
export class PeriodEvents implements ChainSink {
  readonly #inner: ChainSink | null;
  readonly #startMs: number;
  readonly #endMs: number;
  readonly #consumer: SegmentConsumer;
  readonly #anchor: ChainAnchor | undefined;
  readonly #onLine: ((line: SegmentLine) => void) | undefined;
  #index = 0;
  #started = false;
  #state: "before" | "in" | "after" = "before";
  #size = 0;
  #first: SegmentBounds["first"] = null;
  #last: SegmentBounds["last"] = null;

  constructor(options: {
    period: { startMs: number; endMs: number };
    consumer: SegmentConsumer;
    inner: ChainSink | null;
    anchor?: ChainAnchor | undefined;
    /** Called with every event of the segment in full, before it is fed (slower: for drawing samples). */
    onLine?: (line: SegmentLine) => void;
    /**
     * Reading resumes after a checkpoint: the index of the first event read (the events before it,
     * all earlier than the period, are not read again).
     */
    resumeAt?: number | undefined;
  }) {
    this.#startMs = options.period.startMs;
    this.#endMs = options.period.endMs;
    this.#consumer = options.consumer;
    this.#inner = options.inner;
    this.#anchor = options.anchor;
    this.#onLine = options.onLine;
    if (options.resumeAt !== undefined) {
      this.#started = true;
      this.#index = options.resumeAt;
    }
  }

  block(scanned: ScannedBlock, file: string, firstLine: number): void | Promise<void> {
    const { bytes, scan } = scanned;
    const consumer = this.#consumer;
    let lastAt = -1;
    let lastIndex = 0;
    for (let i = 0; i < scan.count; i++) {
      if (scan.status[i] === 3) {
        if (this.#unscanned(bytes, scan.lineStart[i] as number, file, firstLine + i)) lastAt = -1;
        continue;
      }
      const hashAt = scan.hashAt[i] as number;
      const time = scan.times[i] as number;
      // The hot path: inside the segment, and not its end.
      if (this.#state === "in" && !(time >= this.#endMs) && this.#onLine === undefined) {
        consumer.appendEventHashAt(bytes, hashAt);
        this.#index++;
        this.#size++;
        lastAt = hashAt;
        lastIndex = this.#index - 1;
        continue;
      }
      const prev = () => bytes.toString("latin1", scan.prevAt[i] as number, scan.prevEnd[i] as number);
      if (this.#step(time, prev)) {
        this.#onLine?.({
          index: this.#index,
          file,
          line: firstLine + i,
          bytes: lineAt(bytes, scan.lineStart[i] as number),
        });
        consumer.appendEventHashAt(bytes, hashAt);
        this.#counted(bytes.toString("latin1", hashAt, hashAt + 64), prev);
        lastAt = -1;
      }
    }
    // The last hash of the block once, not a string per event.
    if (lastAt >= 0) this.#last = { index: lastIndex, hash: bytes.toString("latin1", lastAt, lastAt + 64) };
    return this.#inner?.block(scanned, file, firstLine);
  }

  /**
   * A line the byte scan could not read: an event exactly when the verifier's own reading says so.
   * Returns whether it was one of the segment's.
   */
  #unscanned(bytes: Buffer, lineStart: number, file: string, line: number): boolean {
    const stored = lineAt(bytes, lineStart);
    const read = readRecordLine(stored);
    if ("error" in read) return false;
    const time = typeof read.record.timestamp === "string" ? Date.parse(read.record.timestamp) : Number.NaN;
    if (!this.#step(time, () => read.prev)) return false;
    this.#onLine?.({ index: this.#index, file, line, bytes: stored });
    this.#consumer.appendEventHash(read.hash);
    this.#counted(read.hash, () => read.prev);
    return true;
  }

  /**
   * Counts one event (starting the index at the checkpoint's count when the chain starts there)
   * and moves the segment state by its time. Returns whether the event is in the segment; when it
   * is not, it is counted here, else by {@link counted}.
   */
  #step(time: number, prev: () => string): boolean {
    if (!this.#started) {
      this.#started = true;
      if (this.#anchor && prev() === this.#anchor.hash) this.#index = this.#anchor.events;
    }
    if (this.#state === "before" && time >= this.#startMs) this.#state = "in";
    if (this.#state === "in" && time >= this.#endMs) this.#state = "after";
    if (this.#state === "in") return true;
    this.#index++;
    return false;
  }

  #counted(hash: string, prev: () => string): void {
    const index = this.#index++;
    if (this.#size === 0) this.#first = { index, hash, prev_hash: prev() };
    this.#last = { index, hash };
    this.#size++;
  }

  record(record: Record<string, unknown>, at: RecordLocation): void | Promise<void> {
    // The complete last line of a log that has no newline yet: rare, so the general path.
    const hash = String(record.hash);
    const prev = String(record.prev_hash);
    const time = typeof record.timestamp === "string" ? Date.parse(record.timestamp) : Number.NaN;
    if (this.#step(time, () => prev)) {
      this.#onLine?.({ index: this.#index, file: at.file, line: at.line, bytes: null });
      this.#consumer.appendEventHash(hash);
      this.#counted(hash, () => prev);
    }
    return this.#inner?.record(record, at);
  }

  /** The segment as found, once the chain has been read. */
  bounds(): SegmentBounds {
    return {
      size: this.#size,
      first: this.#first,
      last: this.#last,
    };
  }
}

/** The line starting at `from` (without its newline or a `\r` before it). */
function lineAt(bytes: Buffer, from: number): Buffer {
  let end = bytes.indexOf(0x0a, from);
  if (end === -1) end = bytes.length;
  if (end > from && bytes[end - 1] === 0x0d) end--;
  return bytes.subarray(from, end);
}

/** The `merkle` field of a package: the tree's root over the segment and the segment's bounds. */
export function merkleSummary(root: Buffer, bounds: SegmentBounds): MerkleSummary {
  return {
    algorithm: MERKLE_ALGORITHM,
    root: root.toString("hex"),
    size: bounds.size,
    first: bounds.first,
    last: bounds.last,
  };
}
