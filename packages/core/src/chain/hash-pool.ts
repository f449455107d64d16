import { isUtf8 } from "node:buffer";
import { hash } from "node:crypto";
import { Worker } from "node:worker_threads";
import { MAX_LINE_BYTES } from "../io/line-reader.ts";
import { type BlockScan, scanBlock } from "./scan-block.ts";
import { GO_MAX_DEPTH, lineMembers, scanLine } from "./scan-line.ts";

/** A block of lines and what scanning it found; offsets in `scan` index into `bytes`. */
export interface ScannedBlock {
  bytes: Buffer;
  scan: BlockScan;
  /** Nothing else refers to `bytes.buffer`: it may be moved to another thread. */
  owned?: boolean;
}

/**
 * Lines one scan covers at most: a block of iddio's lines holds ~10,000; a block of tiny junk lines
 * (4 MiB of newlines is 4 M lines) is scanned in parts, so its per-line results stay ~2 MB.
 */
const MAX_SCAN_LINES = 1 << 16;

const MEMBERS = lineMembers();

/** Scans a block on the calling thread (the pool's single-threaded twin); see `BlockScan.end`. */
export function scanHere(block: Buffer, owned = false): ScannedBlock {
  const scan = scanBlock(
    block,
    0,
    block.length,
    hash,
    isUtf8,
    scanLine,
    MEMBERS,
    MAX_LINE_BYTES,
    MAX_SCAN_LINES,
  );
  return { bytes: block, scan, owned };
}

/**
 * The parts of a scanned block, each a block of its own: the block itself when one scan covered
 * it, else the part scanned and scans of the rest (each part a view of its lines only, not owned,
 * so a thread it is handed to copies just those lines).
 */
export function* scannedParts(scanned: ScannedBlock): Generator<ScannedBlock> {
  const { bytes, scan } = scanned;
  if (scan.end >= bytes.length) {
    yield scanned;
    return;
  }
  yield { bytes: bytes.subarray(0, scan.end), scan, owned: false };
  for (let rest = bytes.subarray(scan.end); rest.length > 0; ) {
    const part = scanHere(rest);
    if (part.scan.end === 0) return; // no complete line left
    yield { bytes: rest.subarray(0, part.scan.end), scan: part.scan, owned: false };
    rest = rest.subarray(part.scan.end);
  }
}

// The worker evaluates the scanning function from its source: no file to resolve, so it works
// the same from src/ (tests), dist/ and a bundled CLI.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { hash, createHash } = require("node:crypto");
const { isUtf8 } = require("node:buffer");
const { createReadStream } = require("node:fs");
const GO_MAX_DEPTH = ${GO_MAX_DEPTH};
const lineMembers = ${lineMembers.toString()};
const scanLine = ${scanLine.toString()};
const members = lineMembers();
const scanBlock = ${scanBlock.toString()};
parentPort.on("message", ({ id, buffer, start, end, digestPath, digestStart }) => {
  if (digestPath !== undefined) {
    // The stored file's SHA-256, read independently (from the page cache) so the main thread never hashes it.
    const h = createHash("sha256");
    let bytes = 0;
    createReadStream(digestPath, { highWaterMark: 4 << 20, start: digestStart })
      .on("data", (chunk) => { h.update(chunk); bytes += chunk.length; })
      .on("error", (error) => parentPort.postMessage({ id, error: String(error) }))
      .on("end", () => parentPort.postMessage({ id, digest: { bytes, sha256: h.digest("hex") } }));
    return;
  }
  try {
    const r = scanBlock(Buffer.from(buffer), start, end, hash, isUtf8, scanLine, members, ${MAX_LINE_BYTES}, ${MAX_SCAN_LINES});
    // The bytes go back too (moved, not copied): the link check reads hash and prev_hash from them.
    const moved = [buffer, r.status.buffer, r.lineStart.buffer, r.hashAt.buffer, r.prevAt.buffer, r.prevEnd.buffer, r.times.buffer, r.plain.buffer];
    parentPort.postMessage({ id, scan: r, buffer, end }, moved);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
`;

interface Pending {
  resolve: (r: ScannedBlock | FileDigestResult) => void;
  reject: (e: Error) => void;
}

/** Size and SHA-256 of a stored file. */
export interface FileDigestResult {
  bytes: number;
  sha256: string;
}

/**
 * A pool of `worker_threads` that scan and SHA-256 blocks of lines in parallel (DESIGN §9). A
 * block's bytes are moved to the worker (`ArrayBuffer` transfer) when the caller owns them, else
 * copied once, and moved back with compact per-line results. The link check stays with the caller.
 */
export class HashPool {
  readonly #workers: Worker[];
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #id = 0;
  #failed: Error | null = null;

  constructor(size: number) {
    this.#workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on(
        "message",
        (m: {
          id: number;
          scan?: BlockScan;
          buffer?: ArrayBuffer;
          end?: number;
          digest?: FileDigestResult;
          error?: string;
        }) => {
          const p = this.#pending.get(m.id);
          this.#pending.delete(m.id);
          if (!p) return;
          if (m.digest) p.resolve(m.digest);
          // The bytes up to the block's end: a scan that stopped early (see `scannedParts`) goes on there.
          else if (m.scan && m.buffer)
            p.resolve({ bytes: Buffer.from(m.buffer, 0, m.end), scan: m.scan, owned: true });
          else p.reject(new Error(`hashing worker failed: ${m.error}`));
        },
      );
      worker.on("error", (error) => this.#fail(error));
      return worker;
    });
  }

  /**
   * Scans `block` (complete lines, each ending in `\n`) on the next worker. With `transfer`, the
   * block's whole `ArrayBuffer` is moved (the caller must own it and not touch it again).
   */
  scan(block: Buffer, transfer: boolean): Promise<ScannedBlock> {
    if (this.#failed) return Promise.reject(this.#failed);
    let buffer: ArrayBuffer;
    let start: number;
    if (transfer && block.buffer instanceof ArrayBuffer) {
      buffer = block.buffer;
      start = block.byteOffset;
    } else {
      const copy = Buffer.allocUnsafeSlow(block.length);
      block.copy(copy);
      buffer = copy.buffer as ArrayBuffer;
      start = 0;
    }
    const id = this.#id++;
    const worker = this.#workers[this.#next++ % this.#workers.length] as Worker;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as Pending["resolve"], reject });
      worker.postMessage({ id, buffer, start, end: start + block.length }, [buffer]);
    });
  }

  /** Computes a stored file's size and SHA-256 (from byte `start` on) on a worker, reading the file itself. */
  digestFile(path: string, start = 0): Promise<FileDigestResult> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#id++;
    const worker = this.#workers[this.#next++ % this.#workers.length] as Worker;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as Pending["resolve"], reject });
      worker.postMessage({ id, digestPath: path, digestStart: start });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  #fail(error: Error): void {
    this.#failed = error;
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}
