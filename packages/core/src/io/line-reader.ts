import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

const NEWLINE = 0x0a;
/** Read size: large chunks keep per-chunk overhead negligible and give hashing workers big batches. */
const CHUNK_BYTES = 4 << 20;

/**
 * The longest line read as a record (1 MiB, without its newline; iddio writes lines of well under
 * 1 KB, and a policy snapshot of a few KB). A longer line is reported by its length, never held
 * in memory whole: it is not a record (`malformed`, or `truncated_tail` at the live end of the log).
 */
export const MAX_LINE_BYTES = 1 << 20;

/** A batch of lines of one segment, in order. */
export interface LineBatch {
  /** The lines as one contiguous buffer, each followed by `\n` (hashing workers take it as it is). */
  block?: Buffer;
  /** The lines without their newline, for sources that produce lines one by one. */
  lines?: Buffer[];
  /**
   * One line longer than {@link MAX_LINE_BYTES}, not kept: its length in bytes (without the
   * newline). The batch then holds no bytes.
   */
  overlongBytes?: number;
  /** 1-based number of the first line (informational: readers of a segment count lines themselves). */
  firstLine: number;
  /** True for the last batch when the file did not end with a newline: its one line is incomplete (`lines[0]` or `overlongBytes`). */
  incompleteTail: boolean;
  /** Bytes of the underlying file consumed so far (compressed bytes for `.gz`). */
  bytesRead: number;
  /** The caller may move `block.buffer` to a worker: nothing else refers to it. */
  transferable?: boolean;
  /** A database source's row key of each line of the batch (what a checkpoint names), in order. */
  keys?: readonly string[];
}

/** Size and SHA-256 of the stored file bytes (compressed bytes for `.gz`), known once it is read. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** Opens a file as a byte stream, decompressing `.gz` on the fly; `digest` sees the stored bytes. */
function openByteStream(
  path: string,
  digest?: Hash,
  chunkBytes = CHUNK_BYTES,
  start = 0,
): { stream: Readable; raw: Readable & { bytesRead: number } } {
  const compressed = path.endsWith(".gz");
  // A plain file is read from `start`; a compressed one from its start (the caller skips).
  const raw = createReadStream(path, { highWaterMark: chunkBytes, ...(compressed ? {} : { start }) });
  if (!compressed) return { stream: raw, raw };
  if (digest)
    raw.on("data", (chunk) => {
      digest.update(chunk);
    });
  const gunzip = createGunzip({ chunkSize: chunkBytes });
  raw.on("error", (error) => gunzip.destroy(error));
  return { stream: raw.pipe(gunzip), raw };
}

/**
 * The part of a line read so far when it spans chunks: kept as pieces and joined once (joining per
 * chunk made a long line quadratic), and dropped past {@link MAX_LINE_BYTES} (only its length is
 * counted then), so memory stays bounded whatever the file holds.
 */
class Carry {
  #parts: Buffer[] = [];
  bytes = 0;

  /** Adds a piece (copied: a chunk's memory may be handed on or reused). */
  add(piece: Buffer): void {
    this.bytes += piece.length;
    if (this.bytes > MAX_LINE_BYTES) this.#parts = [];
    else this.#parts.push(Buffer.from(piece));
  }

  /** The line so far, or `null` when it is longer than the limit; empties the carry. */
  take(): Buffer | null {
    const line = this.bytes > MAX_LINE_BYTES ? null : Buffer.concat(this.#parts, this.bytes);
    this.#parts = [];
    this.bytes = 0;
    return line;
  }
}

/**
 * Reads a file (decompressing `.gz`) as blocks of complete lines, one per chunk read, without
 * decoding or splitting them: a line that spans chunks is yielded as its own small block, and one
 * longer than {@link MAX_LINE_BYTES} as its length only. Time is linear and memory bounded in the
 * file's size, whatever it holds. When the generator finishes, `digest` holds the stored file's
 * size and SHA-256.
 */
export async function* readLineBatches(
  path: string,
  digest: Partial<FileDigest> = {},
  options: { digest?: boolean; from?: number } = {},
): AsyncGenerator<LineBatch> {
  const hashing = options.digest !== false;
  const hash = createHash("sha256");
  const compressed = path.endsWith(".gz");
  const from = options.from ?? 0;
  const { stream, raw } = openByteStream(path, hashing ? hash : undefined, CHUNK_BYTES, from);
  const carry = new Carry();
  // Decompressed bytes still to skip before `from` (a `.gz` file can only be inflated from its start).
  let skip = compressed ? from : 0;
  for await (let chunk of stream as AsyncIterable<Buffer>) {
    if (hashing && !compressed) hash.update(chunk);
    if (skip > 0) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      chunk = chunk.subarray(skip);
      skip = 0;
    }
    const first = chunk.indexOf(NEWLINE);
    if (first === -1) {
      carry.add(chunk);
      continue;
    }
    let start = 0;
    if (carry.bytes > 0) {
      carry.add(chunk.subarray(0, first));
      const bytes = carry.bytes;
      const line = carry.take();
      yield line
        ? {
            block: Buffer.concat([line, NEWLINE_BYTES]),
            firstLine: 0,
            incompleteTail: false,
            bytesRead: raw.bytesRead,
          }
        : { overlongBytes: bytes, firstLine: 0, incompleteTail: false, bytesRead: raw.bytesRead };
      start = first + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    // A file read chunk owns its memory; a gunzip chunk may share it with the next ones.
    const owned = !compressed && chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.length;
    if (last + 1 < chunk.length) carry.add(chunk.subarray(last + 1));
    if (start <= last) {
      yield {
        block: chunk.subarray(start, last + 1),
        firstLine: 0,
        incompleteTail: false,
        bytesRead: raw.bytesRead,
        transferable: owned,
      };
    }
  }
  digest.bytes = raw.bytesRead;
  if (hashing) digest.sha256 = hash.digest("hex");
  if (carry.bytes > 0) {
    const bytes = carry.bytes;
    const line = carry.take();
    yield line
      ? { lines: [line], firstLine: 0, incompleteTail: true, bytesRead: raw.bytesRead }
      : { overlongBytes: bytes, firstLine: 0, incompleteTail: true, bytesRead: raw.bytesRead };
  }
}
const NEWLINE_BYTES = Buffer.from("\n");

/**
 * Reads bytes `[start, end)` of a file (decompressed, for `.gz`: inflated from its start), or
 * `null` when the file ends before `end`.
 */
export async function readSpan(path: string, start: number, end: number): Promise<Buffer | null> {
  const compressed = path.endsWith(".gz");
  const { stream, raw } = openByteStream(path, undefined, 1 << 20, start);
  const parts: Buffer[] = [];
  let at = compressed ? 0 : start;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const from = Math.max(start - at, 0);
      const to = Math.min(end - at, chunk.length);
      if (to > from) parts.push(Buffer.from(chunk.subarray(from, to)));
      at += chunk.length;
      if (at >= end) break;
    }
  } finally {
    stream.destroy();
    raw.destroy();
  }
  return at >= end ? Buffer.concat(parts) : null;
}

/** Reads the first line of a file (decompressing `.gz`), or `null` for an empty file. */
export async function readFirstLine(path: string, maxBytes = MAX_LINE_BYTES): Promise<Buffer | null> {
  const { stream, raw } = openByteStream(path, undefined, 64 * 1024);
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl !== -1) {
        parts.push(chunk.subarray(0, nl));
        return Buffer.concat(parts);
      }
      parts.push(chunk);
      total += chunk.length;
      if (total > maxBytes) break;
    }
  } finally {
    stream.destroy();
    raw.destroy();
  }
  return total > 0 ? Buffer.concat(parts) : null;
}
