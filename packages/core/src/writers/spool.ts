import { closeSync, createReadStream, openSync, writeSync } from "node:fs";

const FLUSH_AT = 256 * 1024;

/**
 * A list too long to keep in memory (denied requests, approvals): items are appended to a JSONL
 * file as they are found and streamed back when the evidence is written.
 */
export class Spool<T> {
  readonly path: string;
  #fd: number | null;
  #buffer = "";
  #total = 0;

  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, "w");
  }

  get total(): number {
    return this.#total;
  }

  push(item: T): void {
    if (this.#fd === null) throw new Error(`Spool ${this.path}: push after close`);
    this.#buffer += `${JSON.stringify(item)}\n`;
    this.#total++;
    if (this.#buffer.length >= FLUSH_AT) this.#flush();
  }

  /** Flushes and closes the file; items can then be read back. */
  close(): void {
    if (this.#fd === null) return;
    this.#flush();
    closeSync(this.#fd);
    this.#fd = null;
  }

  /** Streams the items back in the order they were pushed, a chunk's worth at a time. */
  async *batches(): AsyncGenerator<T[]> {
    this.close();
    let carry: Buffer | null = null;
    for await (const chunk of createReadStream(this.path, {
      highWaterMark: 1 << 20,
    }) as AsyncIterable<Buffer>) {
      const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const items: T[] = [];
      let start = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
        if (nl > start) items.push(JSON.parse(data.toString("utf8", start, nl)) as T);
        start = nl + 1;
      }
      carry = start < data.length ? data.subarray(start) : null;
      if (items.length > 0) yield items;
    }
    if (carry && carry.length > 0) yield [JSON.parse(carry.toString("utf8")) as T];
  }

  /** Streams the items back one by one, in the order they were pushed. */
  async *items(): AsyncGenerator<T> {
    for await (const batch of this.batches()) yield* batch;
  }

  #flush(): void {
    if (this.#fd !== null && this.#buffer.length > 0) {
      writeSync(this.#fd, this.#buffer);
      this.#buffer = "";
    }
  }
}

/** Recognises a spooled list inside an evidence document. */
export function isSpool(value: unknown): value is Spool<unknown> {
  return value instanceof Spool;
}
