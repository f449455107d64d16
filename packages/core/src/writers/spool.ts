import { closeSync, createReadStream, mkdtempSync, openSync, writeSync } from "node:fs";

const BUFFER_BYTES = 1 << 20;

/** Ends each item in the file: JSON text never holds a raw control character other than `\n`. */
const ITEM_END = "\x1e";
export const ITEM_END_BYTE = 0x1e;

/**
 * A list too long to keep in memory (denied requests, approvals): items are appended to a file as
 * they are found and streamed back when the evidence is written. Each item is stored as the pretty
 * JSON the evidence file shows (`JSON.stringify(item, null, 2)`), so the JSON writer only indents
 * it; readers of objects parse it back.
 */
export class Spool<T> {
  readonly path: string;
  #fd: number | null;
  // Items are encoded straight into this buffer: cheaper than joining strings and encoding them.
  #buffer: Buffer | null = null;
  #used = 0;
  #total = 0;

  /** Creates the spool file; with `written`, reads back one another thread wrote and closed. */
  constructor(path: string, written?: { total: number }) {
    this.path = path;
    this.#fd = written ? null : openSync(path, "w");
    this.#total = written?.total ?? 0;
  }

  get total(): number {
    return this.#total;
  }

  push(item: T): void {
    if (this.#fd === null) throw new Error(`Spool ${this.path}: push after close`);
    const text = JSON.stringify(item, null, 2) + ITEM_END;
    this.#total++;
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    if (this.#buffer === null) this.#buffer = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, text.length * 3));
    if (this.#used + text.length * 3 > this.#buffer.length) {
      this.#flush();
      if (text.length * 3 > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(text.length * 3);
    }
    this.#used += this.#buffer.write(text, this.#used);
  }

  /** Flushes and closes the file; items can then be read back. */
  close(): void {
    if (this.#fd === null) return;
    this.#flush();
    closeSync(this.#fd);
    this.#fd = null;
  }

  /**
   * Streams the stored bytes back in order, a chunk at a time: whole items (pretty JSON, UTF-8),
   * each followed by {@link ITEM_END}.
   */
  async *chunks(): AsyncGenerator<Buffer> {
    this.close();
    let carry: Buffer | null = null;
    for await (const chunk of createReadStream(this.path, {
      highWaterMark: 1 << 20,
    }) as AsyncIterable<Buffer>) {
      const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const last = data.lastIndexOf(ITEM_END_BYTE);
      carry = last + 1 < data.length ? data.subarray(last + 1) : null;
      if (last >= 0) yield data.subarray(0, last + 1);
    }
    if (carry && carry.length > 0) throw new Error(`Spool ${this.path}: truncated item at the end`);
  }

  /** Streams the items back in the order they were pushed, a chunk's worth at a time. */
  async *batches(): AsyncGenerator<T[]> {
    for await (const chunk of this.chunks()) {
      const items = chunk.toString("utf8").split(ITEM_END);
      items.pop(); // the text ends with ITEM_END
      yield items.map((item) => JSON.parse(item) as T);
    }
  }

  /** Streams the items back one by one, in the order they were pushed. */
  async *items(): AsyncGenerator<T> {
    for await (const batch of this.batches()) yield* batch;
  }

  #flush(): void {
    if (this.#fd === null || this.#buffer === null) return;
    let offset = 0;
    while (offset < this.#used) offset += writeSync(this.#fd, this.#buffer, offset, this.#used - offset);
    this.#used = 0;
  }
}

/** Recognises a spooled list inside an evidence document. */
export function isSpool(value: unknown): value is Spool<unknown> {
  return value instanceof Spool;
}

/**
 * Creates the folder of an export's spools beside its staging folder, named with the staging
 * folder's prefix (`.<output>.tmp-<pid>-…-spool-…`): a killed export's spools are then swept with
 * its staging folder by the next export to the same output, instead of staying in the system's
 * temporary folder for ever.
 */
export function createSpoolDir(staging: string): string {
  return mkdtempSync(`${staging}-spool-`);
}
