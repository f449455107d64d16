import { hash as digest } from "node:crypto";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type GoField, goMarshalStruct, withOmittedHash } from "@iddio-compliance/schema";
import { gzipFile } from "./gzip-file.ts";
import { SimulatorError } from "./simulator-error.ts";
import { compactTimestamp } from "./time.ts";

/**
 * How the writer hashes: `blank` hashes the line with `"hash":""` (iddio's documented recipe),
 * `omit` hashes it with the `hash` key left out (a writer whose tag has `omitempty`).
 */
export type HashMode = "blank" | "omit";

/** One audit log file the writer produced. */
export interface LogFile {
  /** File name inside the home. */
  readonly name: string;
  readonly lines: number;
  readonly firstHash: string;
  readonly lastHash: string;
}

/** Options of {@link ChainWriter.open}. */
export interface ChainWriterOptions {
  readonly dir: string;
  readonly hashMode: HashMode;
  /** Lines per file before the live file is rotated. */
  readonly rotateEvents: number;
  readonly gzipRotated: boolean;
}

const LIVE = "audit.jsonl";
const FLUSH_BYTES = 1 << 20;
/** Room for one more line of any length up to this, encoded (UTF-16 code unit ≤ 3 UTF-8 bytes). */
const BUFFER_BYTES = 4 * FLUSH_BYTES;

/**
 * Writes a hash-chained JSONL audit log the way iddio does: each line is Go's `json.Marshal` of
 * the record, hashed with the `hash` field blanked (or omitted), linked to the previous line by
 * `prev_hash`. The live `audit.jsonl` is rotated every `rotateEvents` lines into
 * `audit-<timestamp>.jsonl(.gz)`. Memory stays flat: lines go through a 1 MiB buffer.
 */
export class ChainWriter {
  readonly #options: ChainWriterOptions;
  readonly #hashFields = new Map<readonly GoField[], readonly GoField[]>();
  #file: FileHandle;
  #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  #bufferBytes = 0;
  #prevHash = "genesis";
  #linesInFile = 0;
  #firstHash = "";
  #lines = 0;
  readonly #files: LogFile[] = [];
  readonly #names = new Set<string>();
  /** The rotated file being compressed in the background (one at a time bounds memory). */
  #compressing: Promise<void> = Promise.resolve();

  private constructor(options: ChainWriterOptions, file: FileHandle) {
    this.#options = options;
    this.#file = file;
  }

  /** Opens a writer on a new `audit.jsonl` in `dir`. */
  static async open(options: ChainWriterOptions): Promise<ChainWriter> {
    if (!Number.isInteger(options.rotateEvents) || options.rotateEvents < 1) {
      throw new SimulatorError(
        "SIMULATOR_OPTION_INVALID",
        `simulator: Option "rotateEvents" must be a positive integer, got ${options.rotateEvents}`,
      );
    }
    return new ChainWriter(options, await open(join(options.dir, LIVE), "wx"));
  }

  /** Lines written so far. */
  get lines(): number {
    return this.#lines;
  }

  /** The hash of the last line written (`genesis` before the first). */
  get head(): string {
    return this.#prevHash;
  }

  /** Appends one record, marshalled with `fields`; `time` (epoch ms) names the file on rotation. */
  async append(
    record: Readonly<Record<string, unknown>>,
    fields: readonly GoField[],
    time: number,
  ): Promise<void> {
    if (this.#linesInFile === this.#options.rotateEvents) await this.#rotate(time);
    const hashed = { ...record, hash: "", prev_hash: this.#prevHash };
    const bytes = goMarshalStruct(hashed, this.#hashingFields(fields));
    const hash = digest("sha256", bytes, "hex");
    const line = `${this.#stored(bytes, hash, hashed, fields)}\n`;
    if (this.#bufferBytes + line.length * 3 > BUFFER_BYTES) await this.#flush();
    if (line.length * 3 > BUFFER_BYTES) {
      await this.#file.write(line, null, "utf8");
    } else {
      this.#bufferBytes += this.#buffer.write(line, this.#bufferBytes, "utf8");
    }
    if (this.#linesInFile === 0) this.#firstHash = hash;
    this.#prevHash = hash;
    this.#linesInFile++;
    this.#lines++;
    if (this.#bufferBytes >= FLUSH_BYTES) await this.#flush();
  }

  /**
   * Rotates the live file now (as a daily logrotate would), unless it is empty; `time` names the
   * rotated file.
   */
  async rotateNow(time: number): Promise<void> {
    if (this.#linesInFile > 0) await this.#rotate(time);
  }

  /** Flushes and closes the live file; returns every log file, oldest first (the chain order). */
  async close(): Promise<LogFile[]> {
    await this.#flush();
    await this.#file.close();
    await this.#compressing;
    this.#files.push({
      name: LIVE,
      lines: this.#linesInFile,
      firstHash: this.#firstHash,
      lastHash: this.#prevHash,
    });
    return [...this.#files];
  }

  /**
   * The stored line: the hashed bytes with the hash filled in. `hash` and `prev_hash` are the last
   * two struct fields, so the hash member sits just before the last `"prev_hash":`; splicing it in
   * saves a second marshal. Other struct shapes are marshalled again.
   */
  #stored(
    hashedBytes: string,
    hash: string,
    hashed: Record<string, unknown>,
    fields: readonly GoField[],
  ): string {
    const n = fields.length;
    if (fields[n - 2]?.name !== "hash" || fields[n - 1]?.name !== "prev_hash") {
      return goMarshalStruct({ ...hashed, hash }, fields);
    }
    const at = hashedBytes.lastIndexOf(',"prev_hash":');
    if (this.#options.hashMode === "blank") {
      // ...,"hash":"","prev_hash":"…"}
      return `${hashedBytes.slice(0, at - 2)}"${hash}"${hashedBytes.slice(at)}`;
    }
    // ...,"prev_hash":"…"}  →  ...,"hash":"…","prev_hash":"…"}
    return `${hashedBytes.slice(0, at)},"hash":"${hash}"${hashedBytes.slice(at)}`;
  }

  #hashingFields(fields: readonly GoField[]): readonly GoField[] {
    if (this.#options.hashMode === "blank") return fields;
    let omitted = this.#hashFields.get(fields);
    if (omitted === undefined) {
      omitted = withOmittedHash(fields);
      this.#hashFields.set(fields, omitted);
    }
    return omitted;
  }

  async #flush(): Promise<void> {
    if (this.#bufferBytes === 0) return;
    const data = this.#buffer.subarray(0, this.#bufferBytes);
    this.#bufferBytes = 0;
    await this.#file.write(data);
  }

  async #rotate(time: number): Promise<void> {
    await this.#flush();
    await this.#file.close();
    const extension = this.#options.gzipRotated ? ".jsonl.gz" : ".jsonl";
    const stem = `audit-${compactTimestamp(time)}`;
    let name = `${stem}${extension}`;
    for (let n = 1; this.#names.has(name); n++) name = `${stem}-${n}${extension}`;
    this.#names.add(name);
    const live = join(this.#options.dir, LIVE);
    if (this.#options.gzipRotated) {
      // Compress on fflate's worker while the next file is written; wait for the previous one first.
      await this.#compressing;
      const rotating = join(this.#options.dir, `.${name}.rotating`);
      await rename(live, rotating);
      const target = join(this.#options.dir, name);
      this.#compressing = gzipFile(rotating, target).then(() => rm(rotating));
      // Surface a failure at the next await of #compressing, not as an unhandled rejection.
      this.#compressing.catch(() => undefined);
    } else {
      await rename(live, join(this.#options.dir, name));
    }
    this.#files.push({
      name,
      lines: this.#linesInFile,
      firstHash: this.#firstHash,
      lastHash: this.#prevHash,
    });
    this.#file = await open(live, "wx");
    this.#linesInFile = 0;
  }
}
