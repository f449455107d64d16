import type { isUtf8 } from "node:buffer";
import type { hash } from "node:crypto";
import type { LineMembers, scanLine } from "./scan-line.ts";

/**
 * What the byte scan of a block of lines found, in line order. Offsets point into the block, which
 * the worker hands back (moved, not copied) so the link check can read `hash` and `prev_hash`.
 */
export interface BlockScan {
  count: number;
  /**
   * Per line: 0 blank-hash match, 1 omit-hash match, 2 no match, 3 handed to the general path (not
   * a JSON object in Go's limits, not valid UTF-8, too long, or members written with escapes).
   */
  status: Uint8Array;
  /** Per line: offset of the line's first byte in the block. */
  lineStart: Int32Array;
  /** Per line: offset of the 64-byte hash value in the block. */
  hashAt: Int32Array;
  /** Per line: offset and end of the `prev_hash` value in the block. */
  prevAt: Int32Array;
  prevEnd: Int32Array;
  /** Per line: the `timestamp` in ms since the epoch, as `Date.parse` reads it (NaN when there is none). */
  times: Float64Array;
  /** The blanked digest of lines that did not match it (status 1 and 2), by line index. */
  blanks: Record<number, string>;
  /** Offset just past the last line scanned: before the block's end when it held more than `maxLines` lines. */
  end: number;
  /**
   * Per line: 1 when it ends in iddio's shape, `,"hash":"<64>","prev_hash":"<value>"}`, as its last
   * two top-level members: the part before `,"hash"` closed with `}` is then the record without
   * them (what an export parses).
   */
  plain: Uint8Array;
}

/**
 * Scans and hashes the lines of `buf[start, end)` (each ending in `\n`; a trailing `\r` is not
 * part of a line), as iddio's writer hashed them: SHA-256 of the line with the hash value cut out
 * (or the whole member, for writers whose hash tag has omitempty), with the one-shot
 * `crypto.hash` (~3x `createHash`, ~9x @noble/hashes on these lines: `pnpm bench:hash`).
 *
 * Each line is read once by `lineScan` ({@link scanLine}, into `m`), which decides what `JSON.parse` would
 * and finds the last top-level `hash`, `prev_hash` and `timestamp`: so this fast path reads every
 * line as the general one (`readRecordLine`) does, or hands it over (status 3). Lines longer than
 * `maxLine` bytes are handed over too. Work is linear in the block whatever it holds, and at most
 * `maxLines` lines are scanned (`end` says where it stopped), so the per-line results of a block of
 * tiny junk lines stay small: the caller scans the rest as a block of its own.
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
  lineScan: typeof scanLine,
  m: LineMembers,
  maxLine: number,
  maxLines: number,
): BlockScan {
  // Per-line results, grown as lines are found (counting them first would search every line twice).
  let cap = Math.min(maxLines, Math.max(64, (end - start) >> 8));
  let status = new Uint8Array(cap);
  let lineStarts = new Int32Array(cap);
  let hashAt = new Int32Array(cap);
  let prevAt = new Int32Array(cap);
  let prevEnd = new Int32Array(cap);
  let times = new Float64Array(cap);
  let plain = new Uint8Array(cap);
  const blanks: Record<number, string> = {};
  let scratch = Buffer.allocUnsafe(1 << 16);
  // A valid block has only valid lines (a newline never sits inside a multi-byte sequence): one
  // check covers the common case; otherwise each line is checked.
  const allUtf8 = utf8(buf.subarray(start, end));

  // RFC 3339 in UTC ("2026-01-08T11:22:34Z", optional fraction) by arithmetic, when every field
  // is in range (then it equals Date.parse, day overflow included); anything else goes to Date.parse.
  const timeOf = (b: Buffer, from: number, to: number): number => {
    const n = to - from;
    if (
      n >= 20 &&
      b[from + 4] === 45 &&
      b[from + 7] === 45 &&
      b[from + 10] === 84 &&
      b[from + 13] === 58 &&
      b[from + 16] === 58 &&
      b[to - 1] === 90 &&
      (n === 20 || (n > 21 && b[from + 19] === 46))
    ) {
      let ok = true;
      const digit = (k: number): number => {
        const c = (b[from + k] as number) - 48;
        if (c < 0 || c > 9) ok = false;
        return c;
      };
      const y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
      const mo = digit(5) * 10 + digit(6);
      const day = digit(8) * 10 + digit(9);
      const h = digit(11) * 10 + digit(12);
      const mi = digit(14) * 10 + digit(15);
      const sec = digit(17) * 10 + digit(18);
      let frac = 0;
      for (let k = 20, scale = 100; k < n - 1; k++, scale /= 10) {
        const f = digit(k);
        if (scale >= 1) frac += f * scale;
      }
      if (
        ok &&
        y >= 1000 &&
        mo >= 1 &&
        mo <= 12 &&
        day >= 1 &&
        day <= 31 &&
        h <= 23 &&
        mi <= 59 &&
        sec <= 59
      ) {
        // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        const yy = mo <= 2 ? y - 1 : y;
        const era = (yy / 400) | 0;
        const yoe = yy - era * 400;
        const doy = (((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) | 0) + day - 1;
        const days = era * 146097 + yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy - 719468;
        return ((days * 24 + h) * 60 + mi) * 60000 + sec * 1000 + frac;
      }
    }
    return Date.parse(b.toString("utf8", from, to));
  };

  let count = 0;
  let pos = start;
  while (pos < end && count < maxLines) {
    if (count === cap) {
      cap = Math.min(cap * 2, maxLines);
      const grown = <T extends Uint8Array | Int32Array | Float64Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      status = grown(status, new Uint8Array(cap));
      lineStarts = grown(lineStarts, new Int32Array(cap));
      hashAt = grown(hashAt, new Int32Array(cap));
      prevAt = grown(prevAt, new Int32Array(cap));
      prevEnd = grown(prevEnd, new Int32Array(cap));
      times = grown(times, new Float64Array(cap));
      plain = grown(plain, new Uint8Array(cap));
    }
    const ls = pos;
    // The scan stops at the line's newline; reading past the longest line allowed is not needed.
    const code = lineScan(buf, ls, Math.min(ls + maxLine + 2, end), m);
    const scanned = code === 0 && buf[m.lineEnd] === 10;
    const nl = scanned ? m.lineEnd : buf.indexOf(10, ls);
    if (nl === -1 || nl >= end) break;
    const le = nl > ls && buf[nl - 1] === 13 ? nl - 1 : nl;
    pos = nl + 1;
    const index = count++;
    lineStarts[index] = ls;
    if (
      !scanned ||
      le - ls > maxLine ||
      m.hashKind !== 1 ||
      m.hashEnd - m.hashStart !== 64 ||
      m.prevKind !== 1 ||
      m.timeKind === 2 ||
      m.timeKind > 3 ||
      (!allUtf8 && !utf8(buf.subarray(ls, le)))
    ) {
      status[index] = 3;
      times[index] = Number.NaN;
      continue;
    }
    const vStart = m.hashStart;
    const vEnd = m.hashEnd;
    hashAt[index] = vStart;
    prevAt[index] = m.prevStart;
    prevEnd[index] = m.prevEnd;
    times[index] = m.timeKind === 1 ? timeOf(buf, m.timeStart, m.timeEnd) : Number.NaN;
    const shaped =
      vStart === m.hashKey + 8 &&
      buf[m.hashKey - 1] === 44 &&
      buf[vEnd + 1] === 44 &&
      m.prevKey === vEnd + 2 &&
      m.end === m.prevEnd + 1 &&
      m.end === le - 1;
    const stored = buf.toString("latin1", vStart, vEnd);
    // Blanked: the line without the 64 hash characters, made in place (memmove), then put back.
    buf.copyWithin(vStart, vEnd, le);
    const blank = hashFn("sha256", new Uint8Array(buf.buffer, buf.byteOffset + ls, le - 64 - ls), "hex");
    buf.copyWithin(vEnd, vStart, le - 64);
    buf.write(stored, vStart, 64, "latin1");
    if (shaped) plain[index] = 1;
    if (blank === stored) continue;
    // Omitted: the line without the member and one comma.
    const mStart = m.hashMemberStart;
    const mEnd = m.hashMemberEnd;
    if (scratch.length < le - ls) scratch = Buffer.allocUnsafe((le - ls) * 2);
    buf.copy(scratch, 0, ls, mStart);
    buf.copy(scratch, mStart - ls, mEnd, le);
    const omit = hashFn("sha256", scratch.subarray(0, le - ls - (mEnd - mStart)), "hex");
    status[index] = omit === stored ? 1 : 2;
    blanks[index] = blank;
  }
  return {
    count,
    end: pos,
    status: status.subarray(0, count),
    lineStart: lineStarts.subarray(0, count),
    hashAt: hashAt.subarray(0, count),
    prevAt: prevAt.subarray(0, count),
    prevEnd: prevEnd.subarray(0, count),
    times: times.subarray(0, count),
    blanks,
    plain: plain.subarray(0, count),
  };
}
