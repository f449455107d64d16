/** Where the `hash` member sits in a stored line, and how to cut it out for hashing. */
export interface HashSpan {
  /** Byte offset of the first character of the hash value (after `"hash":"`). */
  valueStart: number;
  /** Byte offset just past the hash value (at its closing quote). */
  valueEnd: number;
  /** Byte range to remove when the writer omits an empty hash (the member and one comma). */
  memberStart: number;
  memberEnd: number;
}

const KEY = Buffer.from('"hash":"');
const QUOTE = 0x22;
const COMMA = 0x2c;

/** The span of a hash member whose value starts at `valueStart` (64 characters, as iddio writes it). */
export function spanAt(line: Buffer, valueStart: number): HashSpan {
  const at = valueStart - KEY.length;
  const valueEnd = valueStart + 64;
  let memberStart = at;
  let memberEnd = valueEnd + 1;
  if (line[memberStart - 1] === COMMA) memberStart -= 1;
  else if (line[memberEnd] === COMMA) memberEnd += 1;
  return { valueStart, valueEnd, memberStart, memberEnd };
}

/**
 * Finds `"hash":"<value>"` in a line whose parsed `hash` is `value`. The last occurrence wins:
 * nested objects (a policy snapshot) come before the top-level member in iddio's struct order.
 * Returns `null` when the stored bytes do not hold the value verbatim.
 */
export function locateHash(line: Buffer, value: string): HashSpan | null {
  const valueBytes = Buffer.byteLength(value);
  let at = line.lastIndexOf(KEY);
  while (at !== -1) {
    const valueStart = at + KEY.length;
    const valueEnd = valueStart + valueBytes;
    if (line[valueEnd] === QUOTE && line.toString("utf8", valueStart, valueEnd) === value) {
      let memberStart = at;
      let memberEnd = valueEnd + 1;
      if (line[memberStart - 1] === COMMA) memberStart -= 1;
      else if (line[memberEnd] === COMMA) memberEnd += 1;
      return { valueStart, valueEnd, memberStart, memberEnd };
    }
    at = at === 0 ? -1 : line.lastIndexOf(KEY, at - 1);
  }
  return null;
}
