import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

const NEWLINE = 0x0a;
/** Read size: large chunks keep per-chunk overhead negligible. */
const CHUNK_BYTES = 1 << 20;

/** A batch of complete lines from one file, with the 1-based number of the first. */
export interface LineBatch {
  lines: Buffer[];
  firstLine: number;
  /** True for the last batch when the file did not end with a newline: its last line is incomplete. */
  incompleteTail: boolean;
  /** Bytes of the underlying file consumed so far (compressed bytes for `.gz`). */
  bytesRead: number;
}

/** Size and SHA-256 of the stored file bytes (compressed bytes for `.gz`), known once it is read. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** Opens a file as a byte stream, decompressing `.gz` on the fly; `digest` sees the stored bytes. */
function openByteStream(path: string, digest?: Hash): { stream: Readable; raw: Readable & { bytesRead: number } } {
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  if (!path.endsWith(".gz")) return { stream: raw, raw };
  if (digest) raw.on("data", (chunk) => {
    digest.update(chunk);
  });
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on("error", (error) => gunzip.destroy(error));
  return { stream: raw.pipe(gunzip), raw };
}

/**
 * Splits a file into lines on `0x0a` without decoding, yielding one batch per chunk read. Line
 * buffers are views into the chunk (no copies) except a line that spans chunks. When the
 * generator finishes, `digest` holds the stored file's size and SHA-256.
 */
export async function* readLineBatches(path: string, digest: Partial<FileDigest> = {}): AsyncGenerator<LineBatch> {
  const hash = createHash("sha256");
  const compressed = path.endsWith(".gz");
  const { stream, raw } = openByteStream(path, hash);
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let lineNo = 1;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!compressed) hash.update(chunk);
    const lines: Buffer[] = [];
    const firstLine = lineNo;
    let start = 0;
    let nl = chunk.indexOf(NEWLINE, 0);
    while (nl !== -1) {
      if (carryBytes > 0) {
        carry.push(chunk.subarray(start, nl));
        lines.push(Buffer.concat(carry, carryBytes + nl - start));
        carry = [];
        carryBytes = 0;
      } else {
        lines.push(chunk.subarray(start, nl));
      }
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      carry.push(chunk.subarray(start));
      carryBytes += chunk.length - start;
    }
    lineNo += lines.length;
    if (lines.length > 0) yield { lines, firstLine, incompleteTail: false, bytesRead: raw.bytesRead };
  }
  digest.bytes = raw.bytesRead;
  digest.sha256 = hash.digest("hex");
  if (carryBytes > 0) {
    yield { lines: [Buffer.concat(carry, carryBytes)], firstLine: lineNo, incompleteTail: true, bytesRead: raw.bytesRead };
  }
}

/** Reads the first line of a file (decompressing `.gz`), or `null` for an empty file. */
export async function readFirstLine(path: string, maxBytes = 16 << 20): Promise<Buffer | null> {
  const { stream, raw } = openByteStream(path);
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
