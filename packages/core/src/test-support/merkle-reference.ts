import { createHash } from "node:crypto";

// An independent RFC 6962 Merkle tree, written straight from RFC 6962 §2.1 (recursive, node:crypto,
// whole lists in memory): the oracle the streaming tree and its proofs are checked against.

const sha = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `SHA-256(0x00 || data)`. */
export const refLeaf = (data: Uint8Array): Buffer => sha(Buffer.from([0]), data);

/** `SHA-256(0x01 || left || right)`. */
export const refNode = (left: Uint8Array, right: Uint8Array): Buffer => sha(Buffer.from([1]), left, right);

/** Largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes. */
export function refRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = split(leaves.length);
  return refNode(refRoot(leaves.slice(0, k)), refRoot(leaves.slice(k)));
}

/** PATH(m, D[n]) over leaf hashes. */
export function refPath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...refPath(m, leaves.slice(0, k)), refRoot(leaves.slice(k))]
    : [...refPath(m - k, leaves.slice(k)), refRoot(leaves.slice(0, k))];
}

/** Records in chain order, by following `prev_hash` from genesis (or from `start`). */
export function chainOrder(records: Record<string, unknown>[], start = "genesis"): Record<string, unknown>[] {
  const byPrev = new Map(records.map((r) => [r.prev_hash as string, r]));
  const out: Record<string, unknown>[] = [];
  for (let at = byPrev.get(start); at && out.length < records.length; at = byPrev.get(at.hash as string))
    out.push(at);
  return out;
}
