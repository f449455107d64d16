import type { isUtf8 } from "node:buffer";
import type { hash } from "node:crypto";

/**
 * What the byte scan of a block of lines found, in line order. Offsets point into the block, which
 * the worker hands back (moved, not copied) so the link check can read `hash` and `prev_hash`.
 */
export interface BlockScan {
  count: number;
  /** Per line: 0 blank-hash match, 1 omit-hash match, 2 no match, 3 not scannable by bytes (parse it). */
  status: Uint8Array;
  /** Per line: offset of the line's first byte in the block. */
  lineStart: Int32Array;
  /** Per line: offset of the 64-character hash value in the block. */
  hashAt: Int32Array;
  /** Per line: offset and end of the `prev_hash` value in the block. */
  prevAt: Int32Array;
  prevEnd: Int32Array;
  /** Per line: the `timestamp` in ms since the epoch (NaN when it cannot be read). */
  times: Float64Array;
  /** The blanked digest of lines that did not match it (status 1 and 2), by line index. */
  blanks: Record<number, string>;
  /**
   * Per line: 1 when it ends in iddio's shape, `,"hash":"<64>","prev_hash":"<value>"}` with both
   * values printable ASCII without `"` or `\`, so that the line is valid JSON exactly when the part
   * before `,"hash"` closed with `}` is (what an export parses).
   */
  plain: Uint8Array;
}

/**
 * Scans and hashes the lines of `buf[start, end)` (each ending in `\n`; a trailing `\r` is not
 * part of a line), as iddio's writer hashed them: SHA-256 of the line with the hash value cut out
 * (or the whole member, for writers whose hash tag has omitempty), with the one-shot
 * `crypto.hash` (~3x `createHash`, ~9x @noble/hashes on these lines: `pnpm bench:hash`).
 *
 * Members are found by bytes: in iddio's struct order `hash` and `prev_hash` are the last two
 * fields and `timestamp` comes first, and a JSON string cannot hold an unescaped quote, so the
 * last `"hash":"` is the top-level one. A line this does not fit, or that is not valid UTF-8
 * (which Go's encoder never writes), is status 3 and gets parsed (and reported).
 * The hash value is cut out in place (memmove) and put back, so `buf` is unchanged afterwards.
 *
 * Self-contained on purpose (only its arguments and Buffer): hashing workers evaluate its source.
 */
export function scanBlock(
  buf: Buffer,
  start: number,
  end: number,
  hashFn: typeof hash,
  utf8: typeof isUtf8,
): BlockScan {
  const HASH_KEY = Buffer.from('"hash":"');
  const PREV_KEY = Buffer.from('"prev_hash":"');
  const TIME_KEY = Buffer.from('"timestamp":"');
  let count = 0;
  for (let i = buf.indexOf(10, start); i !== -1 && i < end; i = buf.indexOf(10, i + 1)) count++;
  const status = new Uint8Array(count);
  const lineStarts = new Int32Array(count);
  const hashAt = new Int32Array(count);
  const prevAt = new Int32Array(count);
  const prevEnd = new Int32Array(count);
  const times = new Float64Array(count);
  const plain = new Uint8Array(count);
  const blanks: Record<number, string> = {};
  let scratch = Buffer.allocUnsafe(1 << 16);
  // A valid block has only valid lines (a newline never sits inside a multi-byte sequence): one
  // check covers the common case; otherwise each line is checked.
  const allUtf8 = utf8(buf.subarray(start, end));

  // RFC 3339 in UTC ("2026-01-08T11:22:34Z", optional fraction) without Date.parse; else Date.parse.
  const timeOf = (b: Buffer, from: number, to: number): number => {
    const d = (k: number) => (b[from + k] as number) - 48;
    if (
      b[to - 1] === 90 &&
      b[from + 4] === 45 &&
      b[from + 10] === 84 &&
      (to - from === 20 || (to - from > 21 && b[from + 19] === 46))
    ) {
      const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
      const ms = Date.UTC(
        y,
        d(5) * 10 + d(6) - 1,
        d(8) * 10 + d(9),
        d(11) * 10 + d(12),
        d(14) * 10 + d(15),
        d(17) * 10 + d(18),
      );
      let frac = 0;
      for (let k = from + 20, scale = 100; k < to - 1 && scale >= 1; k++, scale /= 10)
        frac += ((b[k] as number) - 48) * scale;
      return ms + Math.floor(frac);
    }
    return Date.parse(b.toString("latin1", from, to));
  };
  const printable = (from: number, to: number): boolean => {
    for (let k = from; k < to; k++) {
      const c = buf[k] as number;
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
    }
    return true;
  };
  const at = (key: Buffer, pos: number): boolean => {
    for (let k = 0; k < key.length; k++) if (buf[pos + k] !== key[k]) return false;
    return true;
  };

  let pos = start;
  for (let index = 0; index < count; index++) {
    const nl = buf.indexOf(10, pos);
    const ls = pos;
    const le = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
    pos = nl + 1;
    lineStarts[index] = ls;
    // iddio's order ends `…,"hash":"<64>","prev_hash":"<value>"}`: look there first, search otherwise.
    let keyAt = -1;
    let pAt = -1;
    const quoteBeforePrev = buf.lastIndexOf(34, le - 3);
    const pGuess = quoteBeforePrev - 12;
    if (pGuess - 74 > ls && at(PREV_KEY, pGuess) && at(HASH_KEY, pGuess - 74)) {
      pAt = pGuess;
      keyAt = pGuess - 74;
    } else {
      keyAt = buf.lastIndexOf(HASH_KEY, le - 1);
      pAt = buf.lastIndexOf(PREV_KEY, le - 1);
    }
    const vStart = keyAt + 8;
    const vEnd = vStart + 64;
    const pStart = pAt + 13;
    const pEnd = pAt < ls ? -1 : buf.indexOf(34, pStart);
    let tAt = ls + 1;
    if (!at(TIME_KEY, tAt)) tAt = buf.indexOf(TIME_KEY, ls);
    const tStart = tAt + 13;
    const tEnd = tAt < ls || tAt > le ? -1 : buf.indexOf(34, tStart);
    if (
      keyAt < ls ||
      buf[vEnd] !== 34 ||
      vEnd > le ||
      pEnd === -1 ||
      pEnd > le ||
      tEnd === -1 ||
      tEnd > le ||
      (!allUtf8 && !utf8(buf.subarray(ls, le)))
    ) {
      status[index] = 3;
      times[index] = Number.NaN;
      continue;
    }
    hashAt[index] = vStart;
    prevAt[index] = pStart;
    prevEnd[index] = pEnd;
    times[index] = timeOf(buf, tStart, tEnd);
    const shaped =
      pAt === keyAt + 74 &&
      buf[vEnd + 1] === 44 &&
      pEnd === le - 2 &&
      buf[le - 1] === 125 &&
      buf[keyAt - 1] === 44 &&
      keyAt - 1 > ls &&
      printable(pStart, pEnd);
    const stored = buf.toString("latin1", vStart, vEnd);
    // Blanked: the line without the 64 hash characters, made in place (memmove), then put back.
    buf.copyWithin(vStart, vEnd, le);
    const blank = hashFn("sha256", buf.subarray(ls, le - 64), "hex");
    buf.copyWithin(vEnd, vStart, le - 64);
    buf.write(stored, vStart, 64, "latin1");
    if (blank === stored) {
      if (shaped) plain[index] = 1; // a matched hash is hex
      continue;
    }
    // Omitted: the line without the member and one comma.
    let mStart = keyAt;
    let mEnd = vEnd + 1;
    if (buf[mStart - 1] === 44) mStart -= 1;
    else if (buf[mEnd] === 44) mEnd += 1;
    if (scratch.length < le - ls) scratch = Buffer.allocUnsafe((le - ls) * 2);
    buf.copy(scratch, 0, ls, mStart);
    buf.copy(scratch, mStart - ls, mEnd, le);
    const omit = hashFn("sha256", scratch.subarray(0, le - ls - (mEnd - mStart)), "hex");
    status[index] = omit === stored ? 1 : 2;
    blanks[index] = blank;
    if (shaped && (omit === stored || printable(vStart, vEnd))) plain[index] = 1;
  }
  return { count, status, lineStart: lineStarts, hashAt, prevAt, prevEnd, times, blanks, plain };
}
