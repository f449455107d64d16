const NEWLINE = 0x0a;
const SPACE = 0x20;

/**
 * Writes a batch of rows' lines into one block, each line followed by `\n`: the shape core's
 * verifier scans (and moves to a hashing worker). One allocation, each line written in place
 * (joining the driver's strings first costs several times more). A row is one line whatever it
 * holds, so a raw newline inside a stored line (never written by Go's encoder) becomes a space:
 * the row stays one line, numbered by its ordinal, and fails verification there.
 */
export function lineBlock(lines: ReadonlyArray<string | Buffer>): Buffer {
  let size = 0;
  for (const line of lines)
    size += (typeof line === "string" ? Buffer.byteLength(line, "utf8") : line.length) + 1;
  const block = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const line of lines) {
    const start = at;
    at += typeof line === "string" ? block.write(line, at, "utf8") : line.copy(block, at);
    if (typeof line === "string" ? line.includes("\n") : line.includes(NEWLINE)) {
      for (let i = start; i < at; i++) if (block[i] === NEWLINE) block[i] = SPACE;
    }
    block[at++] = NEWLINE;
  }
  return block;
}

/** Whether the block is the only view of its memory, so it may be moved to a worker thread. */
export function ownsMemory(block: Buffer): boolean {
  return block.byteOffset === 0 && block.buffer.byteLength === block.length;
}
