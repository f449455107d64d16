import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

const NEWLINE = 0x0a;
/** Read size: large chunks keep per-chunk overhead negligible and give hashing workers big batches. */
const CHUNK_BYTES = 4 << 20;

/** A batch of lines of one segment, in order. */
export interface LineBatch {
  /** The lines as one contiguous buffer, each followed by `\n` (hashing workers take it as it is). */
  block?: Buffer;
  /** The lines without their newline, for sources that produce lines one by one. */
  lines?: Buffer[];
  /** 1-based number of the first line (informational: readers of a segment count lines themselves). */
  firstLine: number;
  /** True for the last batch when the file did not end with a newline: its one line is incomplete (`lines[0]`). */
  incompleteTail: boolean;
  /** Bytes of the underlying file consumed so far (compressed bytes for `.gz`). */
  bytesRead: number;
  /** The caller may move `block.buffer` to a worker: nothing else refers to it. */
  transferable?: boolean;
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
): { stream: Readable; raw: Readable & { bytesRead: number } } {
  const raw = createReadStream(path, { highWaterMark: chunkBytes });
  if (!path.endsWith(".gz")) return { stream: raw, raw };
  if (digest)
    raw.on("data", (chunk) => {
      digest.update(chunk);
    });
  const gunzip = createGunzip({ chunkSize: chunkBytes });
  raw.on("error", (error) => gunzip.destroy(error));
  return { stream: raw.pipe(gunzip), raw };
}

/**
 * Reads a file (decompressing `.gz`) as blocks of complete lines, one per chunk read, without
 * decoding or splitting them: a line that spans chunks is yielded as its own small block. When the
 * generator finishes, `digest` holds the stored file's size and SHA-256.
 */
export async function* readLineBatches(
  path: string,
  digest: Partial<FileDigest> = {},
  options: { digest?: boolean } = {},
): AsyncGenerator<LineBatch> {
  const hashing = options.digest !== false;
  const hash = createHash("sha256");
  const compressed = path.endsWith(".gz");
  const { stream, raw } = openByteStream(path, hashing ? hash : undefined);
  let carry: Buffer | null = null;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (hashing && !compressed) hash.update(chunk);
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      continue;
    }
    let start = 0;
    if (carry) {
      const first = chunk.indexOf(NEWLINE);
      yield {
        block: Buffer.concat([carry, chunk.subarray(0, first + 1)]),
        firstLine: 0,
        incompleteTail: false,
        bytesRead: raw.bytesRead,
      };
      start = first + 1;
    }
    // A file read chunk owns its memory; a gunzip chunk may share it with the next ones.
    const owned = !compressed && chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.length;
    carry = last + 1 < chunk.length ? Buffer.from(chunk.subarray(last + 1)) : null;
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
  if (carry && carry.length > 0) {
    yield { lines: [carry], firstLine: 0, incompleteTail: true, bytesRead: raw.bytesRead };
  }
}

/** Reads the first line of a file (decompressing `.gz`), or `null` for an empty file. */
export async function readFirstLine(path: string, maxBytes = 16 << 20): Promise<Buffer | null> {
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
