/**
 * Where the members a verifier reads sit in one line, as {@link scanLine} found them: the last
 * top-level `hash`, `prev_hash` and `timestamp` (of duplicate keys JSON, and Go's encoding/json,
 * take the last). Offsets index the scanned buffer; a `*Kind` is 0 when the member is absent,
 * 1 a string without escapes, 2 a string with escapes, 3 another JSON value, plus 4 when the key
 * itself is written with escapes (`"h\u0061sh"`).
 */
export interface LineMembers {
  /** The opening quote of the `hash` key. */
  hashKey: number;
  /** The hash value's first byte and its closing quote. */
  hashStart: number;
  hashEnd: number;
  hashKind: number;
  /** The bytes a writer whose hash tag has `omitempty` leaves out: the member and one comma. */
  hashMemberStart: number;
  hashMemberEnd: number;
  /** The opening quote of the `prev_hash` key. */
  prevKey: number;
  prevStart: number;
  prevEnd: number;
  prevKind: number;
  timeStart: number;
  timeEnd: number;
  timeKind: number;
  /** The top-level object's closing brace. */
  end: number;
  /** Where the line ends: its `\n`, or the end of the range. */
  lineEnd: number;
  /** Scratch space: the open containers (1 object, 2 array), one byte per level. */
  stack: Uint8Array;
  /** Scratch space: a view of the last scanned buffer, for reading four bytes at a time. */
  view: DataView;
  viewOf: Uint8Array | null;
}

/** Go's encoding/json refuses a document nested deeper than this (`exceeded max depth`). */
export const GO_MAX_DEPTH = 10_000;

/** What {@link scanLine} returns. */
export const LINE_SCAN = {
  /** A JSON object: `LineMembers` is filled in. */
  object: 0,
  /** Not JSON, or JSON that is not an object. */
  notObject: 1,
  /** Nested deeper than {@link GO_MAX_DEPTH}. */
  tooDeep: 2,
  /** Holds a number beyond float64 range, which Go's encoding/json refuses to decode. */
  numberRange: 3,
} as const;

/**
 * Fresh {@link LineMembers} to pass to {@link scanLine} (reuse it from line to line). Hashing
 * workers evaluate its source, with {@link GO_MAX_DEPTH} beside it.
 */
export function lineMembers(): LineMembers {
  return {
    hashKey: -1,
    hashStart: -1,
    hashEnd: -1,
    hashKind: 0,
    hashMemberStart: -1,
    hashMemberEnd: -1,
    prevKey: -1,
    prevStart: -1,
    prevEnd: -1,
    prevKind: 0,
    timeStart: -1,
    timeEnd: -1,
    timeKind: 0,
    end: -1,
    lineEnd: -1,
    stack: new Uint8Array(GO_MAX_DEPTH),
    view: new DataView(new ArrayBuffer(0)),
    viewOf: null,
  };
}

/**
 * Reads one line, `b[from, …)` up to its `\n` or `to` (UTF-8 is checked elsewhere), as JSON exactly
 * as `JSON.parse` accepts it, in one pass over its bytes and without building anything, and
 * records in `m` where the last top-level `hash`, `prev_hash` and `timestamp` sit and where the
 * line ends. Returns a {@link LINE_SCAN} code; Go's two further refusals (depth, float64 range)
 * have codes of their own. Its time is linear in the line.
 *
 * Self-contained on purpose (only its arguments and Buffer): hashing workers evaluate its source.
 */
export function scanLine(b: Uint8Array, from: number, to: number, m: LineMembers): number {
  m.hashKey = m.hashStart = m.hashEnd = m.hashMemberStart = m.hashMemberEnd = -1;
  m.prevKey = m.prevStart = m.prevEnd = m.timeStart = m.timeEnd = m.end = m.lineEnd = -1;
  m.hashKind = m.prevKind = m.timeKind = 0;
  const stack = m.stack;
  const maxDepth = stack.length;
  if (m.viewOf !== b) {
    m.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    m.viewOf = b;
  }
  const view = m.view;
  let p = from;
  let c = 0;
  while (p < to && (b[p] === 32 || b[p] === 9 || b[p] === 13)) p++;
  if (p >= to || b[p] !== 123) return 1;
  let depth = 0;
  // What comes next: 0 a value, 1 a key or `}`, 2 a key, 3 `:`, 4 `,` or a closer, 5 a value or `]`.
  let expect = 0;
  // The top-level member whose value comes next: 0 none, 1 hash, 2 prev_hash, 3 timestamp.
  let member = 0;
  let memberKey = 0;
  let escapedKey = 0;
  while (p < to) {
    c = b[p] as number;
    if (c === 32 || c === 9 || c === 13) {
      p++;
      continue;
    }
    if (c === 34) {
      const start = p + 1;
      let escaped = false;
      p = start;
      for (;;) {
        // Four bytes at a time while none is `"`, `\` or a control character (SWAR; the lowest
        // flagged byte is always a true one).
        while (p + 4 <= to) {
          const v = view.getInt32(p, true);
          const q = v ^ 0x22222222;
          const s = v ^ 0x5c5c5c5c;
          const hit =
            (((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | ((v - 0x20202020) & ~v)) & 0x80808080;
          if (hit !== 0) {
            p += (31 - Math.clz32(hit & -hit)) >> 3;
            break;
          }
          p += 4;
        }
        if (p >= to) return 1;
        const d = b[p] as number;
        if (d === 34) break;
        if (d === 92) {
          escaped = true;
          if (p + 1 >= to) return 1;
          const e = b[p + 1] as number;
          if (e === 117) {
            if (p + 5 >= to) return 1;
            for (let k = p + 2; k < p + 6; k++) {
              const h = b[k] as number;
              if (!((h >= 48 && h <= 57) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102))) return 1;
            }
            p += 6;
          } else if (
            e === 34 ||
            e === 92 ||
            e === 47 ||
            e === 98 ||
            e === 102 ||
            e === 110 ||
            e === 114 ||
            e === 116
          )
            p += 2;
          else return 1;
        } else if (d < 32) return 1;
        else p++;
      }
      // `p` is at the closing quote.
      if (expect === 1 || expect === 2) {
        if (depth === 1) {
          member = 0;
          const len = p - start;
          if (!escaped) {
            if (len === 4) {
              if (b[start] === 104 && b[start + 1] === 97 && b[start + 2] === 115 && b[start + 3] === 104)
                member = 1;
            } else if (len === 9) {
              const f = b[start];
              if (
                f === 112 &&
                b[start + 1] === 114 &&
                b[start + 2] === 101 &&
                b[start + 3] === 118 &&
                b[start + 4] === 95 &&
                b[start + 5] === 104 &&
                b[start + 6] === 97 &&
                b[start + 7] === 115 &&
                b[start + 8] === 104
              )
                member = 2;
              else if (
                f === 116 &&
                b[start + 1] === 105 &&
                b[start + 2] === 109 &&
                b[start + 3] === 101 &&
                b[start + 4] === 115 &&
                b[start + 5] === 116 &&
                b[start + 6] === 97 &&
                b[start + 7] === 109 &&
                b[start + 8] === 112
              )
                member = 3;
            }
          } else {
            // Rare (Go never escapes a struct's keys): decode, to know whether it names a member.
            let key = "";
            for (let k = start; k < p && key.length <= 9; ) {
              const d = b[k] as number;
              if (d !== 92) {
                key += String.fromCharCode(d);
                k++;
              } else if (b[k + 1] === 117) {
                let code = 0;
                for (let j = k + 2; j < k + 6; j++) {
                  const h = b[j] as number;
                  code = code * 16 + (h <= 57 ? h - 48 : (h | 32) - 87);
                }
                key += String.fromCharCode(code);
                k += 6;
              } else {
                const e = b[k + 1] as number;
                key +=
                  e === 98
                    ? "\b"
                    : e === 102
                      ? "\f"
                      : e === 110
                        ? "\n"
                        : e === 114
                          ? "\r"
                          : e === 116
                            ? "\t"
                            : String.fromCharCode(e);
                k += 2;
              }
            }
            member = key === "hash" ? 1 : key === "prev_hash" ? 2 : key === "timestamp" ? 3 : 0;
          }
          memberKey = start - 1;
          escapedKey = escaped ? 4 : 0;
        }
        expect = 3;
        p++;
        continue;
      }
      if (expect !== 0 && expect !== 5) return 1;
      if (member !== 0) {
        const kind = (escaped ? 2 : 1) + escapedKey;
        if (member === 1) {
          m.hashKey = memberKey;
          m.hashStart = start;
          m.hashEnd = p;
          m.hashKind = kind;
          // The member and one comma: the one before it, else the one after it.
          let ms = memberKey;
          let me = p + 1;
          if (b[ms - 1] === 44) ms--;
          else if (b[me] === 44) me++;
          m.hashMemberStart = ms;
          m.hashMemberEnd = me;
        } else if (member === 2) {
          m.prevKey = memberKey;
          m.prevStart = start;
          m.prevEnd = p;
          m.prevKind = kind;
        } else {
          m.timeStart = start;
          m.timeEnd = p;
          m.timeKind = kind;
        }
        member = 0;
      }
      expect = 4;
      p++;
      continue;
    }
    if (expect === 3) {
      if (c !== 58) return 1;
      expect = 0;
      p++;
      continue;
    }
    if (expect === 4) {
      const open = stack[depth - 1];
      if (c === 44) expect = open === 1 ? 2 : 0;
      else if ((c === 125 && open === 1) || (c === 93 && open === 2)) {
        if (--depth === 0) {
          m.end = p++;
          break;
        }
      } else return 1;
      p++;
      continue;
    }
    if (expect === 1 && c === 125) {
      if (--depth === 0) {
        m.end = p++;
        break;
      }
      expect = 4;
      p++;
      continue;
    }
    if (expect === 5 && c === 93) {
      depth--;
      expect = 4;
      p++;
      continue;
    }
    if (expect !== 0 && expect !== 5) return 1;
    // A value that is not a string.
    if (member !== 0) {
      const kind = 3 + escapedKey;
      if (member === 1) {
        m.hashKey = memberKey;
        m.hashStart = m.hashEnd = m.hashMemberStart = m.hashMemberEnd = -1;
        m.hashKind = kind;
      } else if (member === 2) {
        m.prevKey = memberKey;
        m.prevStart = m.prevEnd = -1;
        m.prevKind = kind;
      } else {
        m.timeStart = m.timeEnd = -1;
        m.timeKind = kind;
      }
      member = 0;
    }
    if (c === 123 || c === 91) {
      if (depth === maxDepth) return 2;
      stack[depth++] = c === 123 ? 1 : 2;
      expect = c === 123 ? 1 : 5;
      p++;
      continue;
    }
    expect = 4;
    if (c === 116) {
      if (p + 3 < to && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) p += 4;
      else return 1;
    } else if (c === 102) {
      if (p + 4 < to && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) p += 5;
      else return 1;
    } else if (c === 110) {
      if (p + 3 < to && b[p + 1] === 117 && b[p + 2] === 108 && b[p + 3] === 108) p += 4;
      else return 1;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = p;
      let wide = false;
      if (c === 45) {
        if (++p >= to) return 1;
        c = b[p] as number;
      }
      if (c === 48) p++;
      else if (c >= 49 && c <= 57) {
        const digits = p++;
        while (p < to && (b[p] as number) >= 48 && (b[p] as number) <= 57) p++;
        // 309 integer digits or more may exceed float64.
        wide = p - digits >= 309;
      } else return 1;
      if (p < to && b[p] === 46) {
        const f = ++p;
        while (p < to && (b[p] as number) >= 48 && (b[p] as number) <= 57) p++;
        if (p === f) return 1;
      }
      if (p < to && ((b[p] as number) | 32) === 101) {
        p++;
        if (p < to && (b[p] === 43 || b[p] === 45)) p++;
        const e = p;
        while (p < to && (b[p] as number) >= 48 && (b[p] as number) <= 57) p++;
        if (p === e) return 1;
        wide = true;
      }
      if (
        wide &&
        !Number.isFinite(Number(Buffer.from(b.buffer, b.byteOffset + start, p - start).toString("latin1")))
      )
        return 3;
    } else return 1;
  }
  if (m.end === -1) return 1;
  while (p < to && (b[p] === 32 || b[p] === 9 || b[p] === 13)) p++;
  if (p < to && b[p] !== 10) return 1;
  m.lineEnd = p;
  return 0;
}
