import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FileDigest, type LineBatch, MAX_LINE_BYTES, readLineBatches } from "./line-reader.ts";

const CHUNK = 4 << 20;

/** Writes `parts` to a new file, each repeated `times`, without holding the whole file in memory. */
function writeParts(name: string, parts: [Buffer, number][]): string {
  const path = join(mkdtempSync(join(tmpdir(), "line-reader-")), name);
  const fd = openSync(path, "w");
  for (const [part, times] of parts) for (let i = 0; i < times; i++) writeSync(fd, part);
  closeSync(fd);
  return path;
}

/** Reads a file as the verifier does, counting lines, and the bytes `Buffer.concat` produced meanwhile. */
async function readAll(path: string) {
  const concat = vi.spyOn(Buffer, "concat");
  const batches: LineBatch[] = [];
  const digest: Partial<FileDigest> = {};
  let largest = 0;
  for await (const batch of readLineBatches(path, digest)) {
    batches.push({ ...batch, block: undefined, lines: undefined });
    largest = Math.max(largest, batch.block?.length ?? 0, ...(batch.lines ?? []).map((l) => l.length));
  }
  const copied = concat.mock.results.reduce((sum, r) => sum + (r.value as Buffer).length, 0);
  concat.mockRestore();
  return { batches, digest, largest, copied };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("readLineBatches", () => {
  it("reports a line longer than the limit by its length, holding no more than the limit of it", async () => {
    const long = 3 * CHUNK + 123; // spans four reads
    const path = writeParts("audit.jsonl", [
      [Buffer.from("{}\n"), 1],
      [Buffer.alloc(1 << 20, 0x61), 3 * 4],
      [Buffer.alloc(123, 0x61), 1],
      [Buffer.from("\n{}\n"), 1],
    ]);
    const { batches, largest, copied, digest } = await readAll(path);
    expect(batches.filter((b) => b.overlongBytes !== undefined).map((b) => b.overlongBytes)).toEqual([long]);
    expect(largest).toBeLessThanOrEqual(CHUNK);
    // The long line was never joined: only the short lines around chunk edges were.
    expect(copied).toBeLessThan(MAX_LINE_BYTES);
    expect(digest.bytes).toBe(long + 7);
  });

  it("keeps lines up to the limit whole when they span reads, copying each once", async () => {
    // Lines just under the limit, so most span a read boundary and are kept whole.
    const line = Buffer.concat([Buffer.alloc(MAX_LINE_BYTES - 1, 0x61), Buffer.from("\n")]);
    const path = writeParts("audit.jsonl", [[line, 24]]);
    const { batches, copied } = await readAll(path);
    expect(batches.some((b) => b.overlongBytes !== undefined)).toBe(false);
    expect(copied).toBeLessThanOrEqual(2 * 24 * line.length);
  });

  it("reads a file of NULs without a newline (what a power loss leaves) as one incomplete overlong line", async () => {
    const path = writeParts("audit.jsonl", [[Buffer.alloc(1 << 20), 48]]);
    const { batches, largest, copied } = await readAll(path);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ overlongBytes: 48 << 20, incompleteTail: true });
    expect(largest).toBe(0);
    expect(copied).toBe(0);
  });

  it("reads a small gzip that inflates to 32 MiB of NULs without joining it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "line-reader-"));
    const path = join(dir, "audit-1.jsonl.gz");
    writeFileSync(path, gzipSync(Buffer.alloc(32 << 20)));
    const { batches, copied } = await readAll(path);
    expect(batches.map((b) => [b.overlongBytes, b.incompleteTail])).toEqual([[32 << 20, true]]);
    expect(copied).toBe(0);
  });

  it("yields a log of empty lines as blocks no larger than a read", async () => {
    const path = writeParts("audit.jsonl", [[Buffer.alloc(1 << 20, 0x0a), 9]]);
    const { batches, largest, copied } = await readAll(path);
    expect(batches.every((b) => b.overlongBytes === undefined && !b.incompleteTail)).toBe(true);
    expect(largest).toBeLessThanOrEqual(CHUNK);
    expect(copied).toBe(0);
  });
});
