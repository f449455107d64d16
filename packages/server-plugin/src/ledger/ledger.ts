import { type FileHandle, mkdir, open, readFile, truncate } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "@iddio-compliance/connector-sdk";
import { ChainVerifier } from "@iddio-compliance/core";
import type { ChainFinding } from "@iddio-compliance/schema";
import { encodeLedgerRecord, type LedgerRecordInput } from "./ledger-record.ts";

/** A problem found in the ledger file when it was opened (core's chain verifier's finding, or the torn tail cut off). */
export type LedgerFinding = Pick<ChainFinding, "kind" | "severity" | "line" | "message">;

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
        severity: "warning",
        line: lineNo,
        message: "torn last line (crash mid-write) removed",
      });
      options.logger.warn("ledger: removed a torn last line left by a crash", { file: path, line: lineNo });
      await truncate(path, Buffer.byteLength(text.slice(0, end)));
      text = text.slice(0, end);
    }
    ledger.#verifyChain(text);
    for (const finding of ledger.#findings) {
      if (finding.kind !== "truncated_tail")
        options.logger[finding.severity === "error" ? "error" : "warn"](`ledger alert: ${finding.message}`, {
          file: path,
          line: finding.line,
          kind: finding.kind,
        });
    }
    ledger.#size = Buffer.byteLength(text);
    ledger.#handle = await open(path, "a", 0o600);
    return ledger;
  }

  /** Verifies the stored lines with core's chain verifier, the one `iddio-compliance verify` runs. */
  #verifyChain(text: string): void {
    const verifier = new ChainVerifier();
    verifier.beginFile(this.path, false);
    const lines = text.split("\n");
    lines.pop();
    for (const [i, line] of lines.entries()) {
      const record = verifier.verifyLine(Buffer.from(line, "utf8"), i + 1);
      if (record) this.#onRecord?.(record as LedgerEntry);
    }
    verifier.endFile(Buffer.byteLength(text), "");
    const verdict = verifier.result(new Date());
    for (const f of verdict.findings)
      this.#findings.push({ kind: f.kind, severity: f.severity, line: f.line, message: f.message });
    this.#head = verdict.chain_head ?? GENESIS;
    this.#events = verdict.total_events;
  }

  /** Hash of the newest record (`"genesis"` when empty). */
  get head(): string {
    return this.#head;
  }

  /** Records in the ledger. */
  get events(): number {
    return this.#events;
  }

  /** Whether the chain verified when it was opened (a repaired torn tail and warnings do not count against it). */
  get verified(): boolean {
    return this.#findings.every((f) => f.severity !== "error");
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
