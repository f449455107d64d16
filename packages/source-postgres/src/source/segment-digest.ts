import { createHash } from "node:crypto";

/**
 * Size and SHA-256 of a database segment: every line followed by `\n`, so the digest equals the
 * SHA-256 of a JSONL file holding the same lines (an auditor can check one against the other).
 */
export class SegmentDigest {
  readonly #hash = createHash("sha256");
  #bytes = 0;
  #sha256: string | null = null;

  /** Adds a block of lines, each already followed by its `\n`. */
  add(block: Buffer): void {
    this.#hash.update(block);
    this.#bytes += block.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The digest; final once the segment has been read to its end. */
  result(): { bytes: number; sha256: string } {
    this.#sha256 ??= this.#hash.digest("hex");
    return { bytes: this.#bytes, sha256: this.#sha256 };
  }
}
