import { closeSync, createReadStream, openSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";

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

  /** Streams the items back in the order they were pushed. */
  async *items(): AsyncGenerator<T> {
    this.close();
    const lines = createInterface({
      input: createReadStream(this.path),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) if (line.length > 0) yield JSON.parse(line) as T;
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
