import {
  bytesToWords,
  hexToWords,
  leafHash,
  leafHashWords,
  nodeHashWords,
  wordsToBytes,
} from "./merkle-hash.ts";

/** The tree's name in packages: RFC 6962 (§2.1) Merkle Tree Hash with SHA-256. */
export const MERKLE_ALGORITHM = "rfc6962-sha256";

/** Called with every subtree root the builder completes: leaves (level 0) and merged nodes. */
export type SubtreeObserver = (start: number, level: number, words: Int32Array, at: number) => void;

const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Builds an RFC 6962 Merkle tree over a stream of leaves, keeping only the roots of the complete
 * subtrees on its stack (one per set bit of the leaf count: O(log n) memory, n − 1 node hashes).
 *
 * The leaves of the export's tree are events: leaf data is the 32 bytes that the event's `hash`
 * (64 hex digits) spells, so a leaf hash is `SHA-256(0x00 || bytes)`. A `hash` that is not 64 hex
 * digits (only possible in a chain that does not verify) contributes its UTF-8 bytes instead.
 */
export class MerkleBuilder {
  // 64 levels of 8 words: enough for 2^64 leaves.
  readonly #stack = new Int32Array(8 * 65);
  readonly #words = new Int32Array(8);
  readonly #observer: SubtreeObserver | undefined;
  #depth = 0;
  #size = 0;

  constructor(observer?: SubtreeObserver) {
    this.#observer = observer;
  }

  /** Leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Appends the leaf of an event whose `hash` value is `hash`. */
  appendEventHash(hash: string): void {
    if (HEX64.test(hash)) {
      hexToWords(Buffer.from(hash, "latin1"), 0, this.#words, 0);
      this.#appendData(this.#words, 0);
    } else this.appendLeafHash(leafHash(Buffer.from(hash, "utf8")));
  }

  /**
   * Appends the leaf of an event whose 64-character `hash` value is stored at `bytes[at]` (as the
   * chain scan finds it). The hot path of the export: no allocation.
   */
  appendEventHashAt(bytes: Uint8Array, at: number): void {
    if (hexToWords(bytes, at, this.#words, 0)) this.#appendData(this.#words, 0);
    else this.appendEventHash(decodeStoredString(bytes, at));
  }

  /** Appends a leaf given by its leaf hash (32 bytes). */
  appendLeafHash(leaf: Uint8Array): void {
    bytesToWords(leaf, this.#stack, this.#depth * 8);
    this.#pushed();
  }

  #appendData(src: Int32Array, at: number): void {
    leafHashWords(src, at, this.#stack, this.#depth * 8);
    this.#pushed();
  }

  /** Merges the new top with its equal-sized neighbours (one per trailing 1 bit of the old size). */
  #pushed(): void {
    const stack = this.#stack;
    const index = this.#size;
    this.#observer?.(index, 0, stack, this.#depth * 8);
    this.#depth++;
    let carry = index;
    let level = 0;
    while (carry % 2 === 1) {
      const top = (this.#depth - 1) * 8;
      nodeHashWords(stack, top - 8, stack, top, stack, top - 8);
      this.#depth--;
      carry = (carry - 1) / 2;
      level++;
      if (this.#observer) this.#observer(index + 1 - 2 ** level, level, stack, top - 8);
    }
    this.#size = index + 1;
  }

  /** The Merkle Tree Hash of the leaves so far (of no leaves: `SHA-256("")`). */
  root(): Buffer {
    return this.suffixRoot(0);
  }

  /**
   * The hash of the stack entries from `from` to the top folded right to left: entry 0 onwards is
   * the root; a later start is the right-spine node of the RFC 6962 tree over the same leaves.
   */
  suffixRoot(from: number): Buffer {
    if (this.#depth === 0) return EMPTY_ROOT;
    const acc = new Int32Array(8);
    acc.set(this.#stack.subarray((this.#depth - 1) * 8, this.#depth * 8));
    for (let i = this.#depth - 2; i >= from; i--) nodeHashWords(this.#stack, i * 8, acc, 0, acc, 0);
    return wordsToBytes(acc);
  }

  /** A copy of stack entry `i` (0 = the largest complete subtree). */
  entry(i: number): Buffer {
    return wordsToBytes(this.#stack, i * 8);
  }
}

const EMPTY_ROOT = Buffer.from("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "hex");

/** The stored string at `bytes[at - 1, at + 65)` (quotes included), decoded as JSON. */
function decodeStoredString(bytes: Uint8Array, at: number): string {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset + at - 1, 66).toString("utf8");
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === "string") return value;
  } catch {
    // not a whole JSON string (an escape cut by the 64-byte window): the bytes as they are
  }
  return raw.slice(1, -1);
}

/** The RFC 6962 leaf hash of an event whose `hash` value is `hash` (see {@link MerkleBuilder}). */
export function eventLeafHash(hash: string): Buffer {
  const builder = new MerkleBuilder();
  builder.appendEventHash(hash);
  return builder.entry(0);
}

/** Where one node of an inclusion proof comes from, bottom-up. */
type ProofStep =
  | { kind: "left"; stackIndex: number }
  | { kind: "right"; start: number; level: number }
  | { kind: "spine"; stackFrom: number };

/**
 * The RFC 6962 audit path of leaf `index` in a tree of `size` leaves, as positions in a streaming
 * build: siblings on the left are complete when the leaf arrives (they are on the builder's stack
 * then); siblings on the right complete later; the last one may be a right-spine node, known only
 * when every leaf is in.
 */
function planProof(index: number, size: number): ProofStep[] {
  const steps: ProofStep[] = [];
  for (let level = 0, width = 1; width < size; level++, width *= 2) {
    const start = Math.floor(index / width) * width;
    if (Math.floor(index / width) % 2 === 1) {
      // The stack holds one entry per set bit of `index`, the highest first.
      steps.push({ kind: "left", stackIndex: setBitsAbove(index, level) });
      continue;
    }
    const sibling = start + width;
    if (sibling >= size) continue; // no sibling: the node is promoted unchanged (RFC 6962)
    if (sibling + width <= size) steps.push({ kind: "right", start: sibling, level });
    else steps.push({ kind: "spine", stackFrom: setBitsAbove(size, level - 1) });
  }
  return steps;
}

/** How many of the bits of `n` above bit `level` are set. */
function setBitsAbove(n: number, level: number): number {
  let count = 0;
  for (let rest = Math.floor(n / 2 ** (level + 1)); rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

/**
 * Collects RFC 6962 inclusion proofs for chosen leaves of a tree of known `size` in one streaming
 * pass: call {@link watch} for a leaf just before appending it to {@link builder}, append every
 * leaf, then read {@link proofs}. Memory: O(log n) per watched leaf.
 */
export class InclusionProofs {
  /** Append the tree's leaves here. */
  readonly builder: MerkleBuilder;
  readonly #size: number;
  readonly #pending = new Map<number, { proof: (Buffer | null)[]; slot: number }[]>();
  readonly #watched = new Map<number, { steps: ProofStep[]; proof: (Buffer | null)[] }>();

  constructor(size: number) {
    this.#size = size;
    this.builder = new MerkleBuilder((start, level, words, at) => {
      const key = start * 64 + level;
      const waiting = this.#pending.get(key);
      if (!waiting) return;
      this.#pending.delete(key);
      for (const w of waiting) w.proof[w.slot] = wordsToBytes(words, at);
    });
  }

  /** Marks leaf `index` (the next one to be appended) as one whose proof is wanted. */
  watch(index: number): void {
    if (index !== this.builder.size)
      throw new Error(`InclusionProofs: watch(${index}) at leaf ${this.builder.size}`);
    if (index >= this.#size || this.#watched.has(index)) return;
    const steps = planProof(index, this.#size);
    const proof: (Buffer | null)[] = steps.map(() => null);
    steps.forEach((step, slot) => {
      if (step.kind === "left") proof[slot] = this.builder.entry(step.stackIndex);
      else if (step.kind === "right") {
        const key = step.start * 64 + step.level;
        const list = this.#pending.get(key) ?? [];
        list.push({ proof, slot });
        this.#pending.set(key, list);
      }
    });
    this.#watched.set(index, { steps, proof });
  }

  /** The proofs of the watched leaves (hex, bottom-up), once all `size` leaves are appended. */
  proofs(): Map<number, string[]> {
    if (this.builder.size !== this.#size)
      throw new Error(`InclusionProofs: ${this.builder.size} of ${this.#size} leaves appended`);
    const out = new Map<number, string[]>();
    for (const [index, { steps, proof }] of this.#watched) {
      out.set(
        index,
        steps.map((step, slot) => {
          const node = step.kind === "spine" ? this.builder.suffixRoot(step.stackFrom) : proof[slot];
          if (!node) throw new Error(`InclusionProofs: node ${slot} of leaf ${index} never completed`);
          return node.toString("hex");
        }),
      );
    }
    return out;
  }
}

/**
 * Verifies an RFC 6962 inclusion proof (the algorithm of RFC 9162 §2.1.3.2): that the leaf with
 * leaf hash `leaf` is leaf `index` of the tree of `size` leaves whose root is `root`. Hashes in hex.
 */
export function verifyInclusion(
  leaf: string,
  index: number,
  size: number,
  proof: readonly string[],
  root: string,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = size - 1;
  const r = bytesToWords(Buffer.from(leaf, "hex"));
  const p = new Int32Array(8);
  for (const node of proof) {
    if (sn === 0) return false;
    bytesToWords(Buffer.from(node, "hex"), p);
    if (fn % 2 === 1 || fn === sn) {
      nodeHashWords(p, 0, r, 0, r, 0);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
    } else nodeHashWords(r, 0, p, 0, r, 0);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && wordsToBytes(r).toString("hex") === root;
}

function isHash(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
