import { readFirstLine } from "../io/line-reader.ts";
import type { AuditFile } from "./discover-audit-files.ts";

/** A file as its first line shows it. */
export interface FileHead {
  file: AuditFile;
  prevHash: string | null;
  /** The first line's `hash`, when it has one. */
  hash: string | null;
  time: number;
}

/**
 * Orders rotated audit files by following the chain, never by name: the first file is the one
 * whose first event starts at genesis (or links to the anchor); each next file is the one whose
 * first `prev_hash` is the previous file's last `hash`. Only first lines are read up front; last
 * hashes are learnt while the files are read, so nothing is read twice. Files that nothing links
 * to are taken oldest first event first, and the verifier reports the break.
 */
export class ChainOrder {
  readonly #remaining: FileHead[];

  private constructor(heads: FileHead[]) {
    this.#remaining = heads;
  }

  static async of(files: readonly AuditFile[]): Promise<ChainOrder> {
    const heads: FileHead[] = [];
    for (const file of files) {
      const line = await readFirstLine(file.path).catch(() => null);
      let prevHash: string | null = null;
      let hash: string | null = null;
      let time = Number.POSITIVE_INFINITY;
      if (line) {
        try {
          const first = JSON.parse(line.toString("utf8")) as Record<string, unknown>;
          if (typeof first.prev_hash === "string") prevHash = first.prev_hash;
          if (typeof first.hash === "string") hash = first.hash;
          if (typeof first.timestamp === "string") time = Date.parse(first.timestamp) || time;
        } catch {
          // An unreadable first line: ordered by time as a last resort; the verifier reports it.
        }
      }
      heads.push({ file, prevHash, hash, time });
    }
    return new ChainOrder(heads);
  }

  get remaining(): number {
    return this.#remaining.length;
  }

  /** The files not taken yet, as their first lines show them. */
  get heads(): readonly FileHead[] {
    return this.#remaining;
  }

  /**
   * Takes the file named `name` to resume inside it, and leaves out the files before it: those
   * whose first event is older than its own, and copies starting with the same event.
   */
  resumeIn(name: string): AuditFile | undefined {
    const at = this.#remaining.findIndex((h) => h.file.name === name);
    if (at === -1) return undefined;
    const [start] = this.#remaining.splice(at, 1) as [FileHead];
    const kept = this.#remaining.filter(
      (h) => !(h.time < start.time) && (start.hash === null || h.hash !== start.hash),
    );
    this.#remaining.splice(0, this.#remaining.length, ...kept);
    return start.file;
  }

  /** Takes the file that follows `lastHash` (`null`: the start of the chain). */
  next(lastHash: string | null, anchorHash?: string): AuditFile | undefined {
    if (this.#remaining.length === 0) return undefined;
    const wanted = lastHash === null ? ["genesis", anchorHash] : [lastHash];
    let index = this.#remaining.findIndex((h) => h.prevHash !== null && wanted.includes(h.prevHash));
    if (index === -1) {
      // Nothing links here: continue with the file whose first event is oldest.
      index = 0;
      for (let i = 1; i < this.#remaining.length; i++) {
        const candidate = this.#remaining[i];
        const best = this.#remaining[index];
        if (candidate && best && candidate.time < best.time) index = i;
      }
    }
    const [head] = this.#remaining.splice(index, 1);
    return head?.file;
  }
}
