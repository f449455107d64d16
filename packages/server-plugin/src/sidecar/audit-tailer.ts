import { type FileHandle, open, stat } from "node:fs/promises";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { Logger } from "@iddio-compliance/connector-sdk";

/** Lines handed on per batch; a long backlog becomes several batches. */
const BATCH_LINES = 1000;
const CHUNK = 256 * 1024;

/** Finds the live audit log: the file itself, or `audit.jsonl` in the folder or its `audit/`. */
async function findLiveAuditLog(path: string): Promise<string | null> {
  try {
    if ((await stat(path)).isFile()) return path;
  } catch {
    return null;
  }
  for (const candidate of [join(path, "audit.jsonl"), join(path, "audit", "audit.jsonl")]) {
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // try the next place
    }
  }
  return null;
}

/**
 * Follows the live audit log by polling: reads what was appended since the last poll, hands on
 * complete lines only (a line still being written waits for its newline), and follows rotation
 * (a new file at the path is read from its start once the old one is drained) and truncation.
 */
export class AuditTailer {
  readonly #source: string;
  readonly #onLines: (lines: string[], file: string) => Promise<void>;
  readonly #logger: Logger;
  #file: string | null = null;
  #handle: FileHandle | null = null;
  #ino = 0;
  #offset = 0;
  #rest = "";
  #decoder = new StringDecoder("utf8");

  constructor(options: {
    source: string;
    onLines(lines: string[], file: string): Promise<void>;
    logger: Logger;
  }) {
    this.#source = options.source;
    this.#onLines = options.onLines;
    this.#logger = options.logger;
  }

  /** Reads everything appended since the last call. */
  async poll(): Promise<void> {
    if (!this.#handle) {
      const file = await findLiveAuditLog(this.#source);
      if (!file) return;
      this.#handle = await open(file, "r");
      this.#file = file;
      this.#ino = (await this.#handle.stat()).ino;
      this.#offset = 0;
      this.#rest = "";
      this.#decoder = new StringDecoder("utf8");
    }
    const size = (await this.#handle.stat()).size;
    if (size < this.#offset) {
      this.#logger.warn(
        "sidecar: the audit log shrank (truncated in place); reading it again from the start",
        { file: this.#file },
      );
      this.#offset = 0;
      this.#rest = "";
      this.#decoder = new StringDecoder("utf8");
    }
    await this.#drain();
    let current: number | null = null;
    try {
      current = (await stat(this.#file ?? "")).ino;
    } catch {
      current = null;
    }
    if (current !== this.#ino) {
      // Rotated: the old file is fully read above; the next poll opens the new one.
      await this.close();
    }
  }

  async #drain(): Promise<void> {
    const handle = this.#handle;
    const file = this.#file;
    if (!handle || !file) return;
    const buffer = Buffer.alloc(CHUNK);
    let lines: string[] = [];
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.#offset);
      if (bytesRead === 0) break;
      this.#offset += bytesRead;
      // The decoder keeps a multi-byte character split across reads for the next chunk.
      const text = this.#rest + this.#decoder.write(buffer.subarray(0, bytesRead));
      const parts = text.split("\n");
      this.#rest = parts.pop() ?? "";
      for (const line of parts) {
        if (line.trim() === "") continue;
        lines.push(line);
        if (lines.length >= BATCH_LINES) {
          await this.#onLines(lines, file);
          lines = [];
        }
      }
    }
    if (lines.length > 0) await this.#onLines(lines, file);
  }

  async close(): Promise<void> {
    await this.#handle?.close();
    this.#handle = null;
  }
}
