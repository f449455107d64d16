import { type FileHandle, open } from "node:fs/promises";
import { AsyncGzip } from "fflate";

/** Compression level of rotated files (fixed: the bytes must not change between runs). */
const GZIP_LEVEL = 6;
const CHUNK = 1 << 20;
/** Input bytes allowed in flight to the compression worker before reading pauses. */
const MAX_QUEUED = 4 * CHUNK;

/**
 * Compresses `source` into `target` as gzip, streaming fixed 1 MiB chunks through fflate's worker,
 * so compression runs on another core while the caller keeps generating. fflate (pure JavaScript)
 * is used instead of node:zlib because zlib's output differs across CPUs, zlib builds and operating
 * systems (the OS byte of the header), and a committed sample must regenerate byte-identically
 * anywhere. The header carries no file name and mtime 0.
 */
export async function gzipFile(source: string, target: string): Promise<void> {
  const input = await open(source, "r");
  let output: FileHandle | undefined;
  try {
    const out = await open(target, "wx");
    output = out;
    await new Promise<void>((resolve, reject) => {
      let writing = Promise.resolve();
      let drained: (() => void) | undefined;
      const gzip = new AsyncGzip({ level: GZIP_LEVEL, mtime: 0 }, (error, chunk, final) => {
        if (error) {
          reject(error);
          return;
        }
        writing = writing.then(() => out.write(chunk)).then(() => undefined);
        if (final) writing.then(resolve, reject);
      });
      gzip.ondrain = () => {
        const wake = drained;
        drained = undefined;
        wake?.();
      };
      const pump = async () => {
        for (;;) {
          // A fresh buffer per chunk: pushing transfers it to the worker.
          const buffer = new Uint8Array(CHUNK);
          let filled = 0;
          while (filled < CHUNK) {
            const { bytesRead } = await input.read(buffer, filled, CHUNK - filled, null);
            if (bytesRead === 0) break;
            filled += bytesRead;
          }
          const last = filled < CHUNK;
          while (gzip.queuedSize > MAX_QUEUED) await new Promise<void>((wake) => (drained = wake));
          gzip.push(filled < CHUNK ? buffer.slice(0, filled) : buffer, last);
          if (last) return;
        }
      };
      pump().catch(reject);
    });
  } finally {
    await input.close();
    await output?.close();
  }
}
