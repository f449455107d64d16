import { type FileHandle, mkdir, open, readFile, truncate } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "../host/logger.ts";
import { encodeLedgerRecord, type LedgerRecordInput, sha256Hex } from "./ledger-record.ts";

/** A problem found in the ledger file when it was opened. */
export interface LedgerFinding {
  kind: "malformed" | "hash_mismatch" | "link_break" | "genesis_missing" | "truncated_tail";
  /** 1-based line number. */
  line: number;
  message: string;
}

/** A record as stored: its fields plus `hash` and `prev_hash`. */
export type LedgerEntry = LedgerRecordInput & { hash: string; prev_hash: string };

const GENESIS = "genesis";

/**
 * The plugin's evidence ledger (DESIGN §7.4): a JSONL file hash-chained with iddio's algorithm.
 * Appends are serialised, written with one `write` and fsynced; a torn last line left by a crash is
 * cut off on open (and reported), the rest of the chain is verified.
 */
export class Ledger {
  readonly path: string;
  #head = GENESIS;
  #events = 0;
  #findings: LedgerFinding[] = [];
  #handle: FileHandle | undefined;
  #size = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #onRecord: ((entry: LedgerEntry) => void) | undefined;

  private constructor(path: string) {
    this.path = path;
  }

  /** Opens (or creates) the ledger at `path`, repairing a torn tail and verifying the chain. */
  static async open(
    path: string,
    options: { logger: Logger; onRecord?: (entry: LedgerEntry) => void },
  ): Promise<Ledger> {
    const ledger = new Ledger(path);
    ledger.#onRecord = options.onRecord;
    await mkdir(dirname(path), { recursive: true });
    let text = "";
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const end = text.lastIndexOf("\n") + 1;
    if (end < text.length) {
      const lineNo = text.slice(0, end).split("\n").length;
      ledger.#findings.push({
        kind: "truncated_tail",
        line: lineNo,
        message: "torn last line (crash mid-write) removed",
      });
      options.logger.warn("ledger: removed a torn last line left by a crash", { file: path, line: lineNo });
      await truncate(path, Buffer.byteLength(text.slice(0, end)));
      text = text.slice(0, end);
    }
    const lines = text.split("\n");
    lines.pop();
    for (const [i, line] of lines.entries()) ledger.#verify(line, i + 1);
    for (const finding of ledger.#findings) {
      if (finding.kind !== "truncated_tail")
        options.logger.error(`ledger alert: ${finding.message}`, {
          file: path,
          line: finding.line,
          kind: finding.kind,
        });
    }
    ledger.#size = Buffer.byteLength(text);
    ledger.#handle = await open(path, "a", 0o600);
    return ledger;
  }

  #verify(line: string, lineNo: number): void {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.#findings.push({ kind: "malformed", line: lineNo, message: "line is not JSON" });
      return;
    }
    const { hash, prev_hash: prev } = record;
    if (typeof hash !== "string" || typeof prev !== "string") {
      this.#findings.push({ kind: "malformed", line: lineNo, message: "line has no hash or prev_hash" });
      return;
    }
    const key = `"hash":"${hash}"`;
    const at = line.lastIndexOf(key);
    if (at === -1 || sha256Hex(`${line.slice(0, at)}"hash":""${line.slice(at + key.length)}`) !== hash) {
      this.#findings.push({
        kind: "hash_mismatch",
        line: lineNo,
        message: "content does not match its hash (edited)",
      });
    }
    if (this.#events === 0 ? prev !== GENESIS : prev !== this.#head) {
      this.#findings.push({
        kind: this.#events === 0 ? "genesis_missing" : "link_break",
        line: lineNo,
        message:
          this.#events === 0
            ? "the ledger does not start at genesis"
            : "prev_hash does not match the previous hash",
      });
    }
    this.#head = hash;
    this.#events++;
    this.#onRecord?.(record as LedgerEntry);
  }

  /** Hash of the newest record (`"genesis"` when empty). */
  get head(): string {
    return this.#head;
  }

  /** Records in the ledger. */
  get events(): number {
    return this.#events;
  }

  /** Whether the chain verified when it was opened (a repaired torn tail does not count against it). */
  get verified(): boolean {
    return this.#findings.every((f) => f.kind === "truncated_tail");
  }

  /** What was found when the ledger was opened. */
  get findings(): readonly LedgerFinding[] {
    return this.#findings;
  }

  /** Appends one record (fsynced before the promise resolves). */
  append(record: LedgerRecordInput): Promise<LedgerEntry> {
    const next = this.#queue.then(async () => {
      const handle = this.#handle;
      if (!handle) throw new Error("ledger is closed");
      const { line, hash } = encodeLedgerRecord(record, this.#head);
      const bytes = Buffer.from(`${line}\n`);
      try {
        await handle.write(bytes);
        await handle.datasync();
      } catch (error) {
        // A failed write (disk full) must not leave a fragment the next line would be glued to.
        await handle.truncate(this.#size).catch(() => {});
        throw error;
      }
      this.#size += bytes.length;
      const entry = JSON.parse(line) as LedgerEntry;
      this.#head = hash;
      this.#events++;
      this.#onRecord?.(entry);
      return entry;
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
