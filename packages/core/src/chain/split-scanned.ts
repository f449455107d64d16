import type { ScannedBlock } from "./hash-pool.ts";
import type { BlockScan } from "./scan-block.ts";

/**
 * Splits a scanned block before line `k` (0 < k < count) into two blocks of their own, each with
 * copies of its lines' scan results (offsets made relative to its bytes), neither owned: a thread
 * they are handed to copies their bytes. Used once per export, where a checkpoint falls.
 */
export function splitScanned({ bytes, scan }: ScannedBlock, k: number): [ScannedBlock, ScannedBlock] {
  const cut = scan.lineStart[k] as number;
  return [
    { bytes: bytes.subarray(0, cut), scan: sliceScan(scan, 0, k, 0, cut), owned: false },
    { bytes: bytes.subarray(cut), scan: sliceScan(scan, k, scan.count, cut, scan.end), owned: false },
  ];
}

function sliceScan(scan: BlockScan, from: number, to: number, base: number, end: number): BlockScan {
  const shifted = (a: Int32Array) => {
    const out = a.slice(from, to);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) - base;
    return out;
  };
  const blanks: Record<number, string> = {};
  for (const [index, digest] of Object.entries(scan.blanks)) {
    const i = Number(index);
    if (i >= from && i < to) blanks[i - from] = digest;
  }
  return {
    count: to - from,
    status: scan.status.slice(from, to),
    lineStart: shifted(scan.lineStart),
    hashAt: shifted(scan.hashAt),
    prevAt: shifted(scan.prevAt),
    prevEnd: shifted(scan.prevEnd),
    times: scan.times.slice(from, to),
    blanks,
    end: end - base,
    plain: scan.plain.slice(from, to),
  };
}
