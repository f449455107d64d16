import { createHash, type Hash } from "node:crypto";
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";

const FLUSH_AT = 1 << 20;

/** A buffered file writer that also counts bytes and computes SHA-256 for the manifest. */
export class FileSink {
  readonly path: string;
  #fd: number;
  #buffer: string[] = [];
  #buffered = 0;
  #bytes = 0;
  #hash: Hash = createHash("sha256");

  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, "wx");
  }

  /** Appends text (UTF-8). Async so callers can yield to the event loop between large writes. */
  async write(text: string): Promise<void> {
    this.#buffer.push(text);
    this.#buffered += text.length;
    if (this.#buffered >= FLUSH_AT) this.#flush();
  }

  /** Appends bytes (already UTF-8), after any text written before. */
  writeBytes(bytes: Buffer): void {
    this.#flush();
    this.#hash.update(bytes);
    this.#bytes += bytes.length;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset);
  }

  /** Flushes, fsyncs and closes; returns the file's size and SHA-256. */
  close(): { bytes: number; sha256: string } {
    this.#flush();
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    return { bytes: this.#bytes, sha256: this.#hash.digest("hex") };
  }

  #flush(): void {
    if (this.#buffered === 0) return;
    const data = Buffer.from(this.#buffer.join(""), "utf8");
    this.#buffer = [];
    this.#buffered = 0;
    this.#hash.update(data);
    this.#bytes += data.length;
    let offset = 0;
    while (offset < data.length) offset += writeSync(this.#fd, data, offset);
  }
}
