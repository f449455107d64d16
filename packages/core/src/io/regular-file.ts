import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from "node:fs";
import { ComplianceError } from "../errors/compliance-error.ts";

/** The largest home file read (`policy.yaml`, `tokens.yaml`, certificates): iddio's are a few KB. */
export const MAX_HOME_FILE_BYTES = 4 << 20;

/** What a non-regular file is, in words. */
function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

function unreadable(path: string, why: string, cause?: unknown): ComplianceError {
  return new ComplianceError("INPUT_UNREADABLE", `cannot read "${path}": ${why}`, {
    subject: path,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Opens `path` for reading only when it is a regular file (following symbolic links), without
 * ever blocking (a FIFO is refused, not waited on). Returns the open descriptor and its size,
 * `null` when nothing is there; throws `INPUT_UNREADABLE` naming the path for a dangling link, a
 * link loop, a folder, a FIFO, a device or a socket.
 */
export function openRegularFile(path: string): { fd: number; size: number } | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      let link = false;
      try {
        link = lstatSync(path).isSymbolicLink();
      } catch {
        // Nothing there at all.
      }
      if (link) throw unreadable(path, "it is a symbolic link to nothing", cause);
      return null;
    }
    if (code === "ENOTDIR") return null;
    if (code === "ELOOP") throw unreadable(path, "it is a loop of symbolic links", cause);
    throw unreadable(path, (cause as Error).message, cause);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw unreadable(path, `it is ${kindOf(stat)}, not a regular file`);
  }
  return { fd, size: stat.size };
}

/**
 * Reads a regular file of at most `maxBytes` (see {@link openRegularFile}); `null` when it does not
 * exist. A larger file is refused before anything is read.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer | null {
  const file = openRegularFile(path);
  if (!file) return null;
  const tooLarge = () => unreadable(path, `it is larger than the ${maxBytes >> 20} MiB limit`);
  try {
    if (file.size > maxBytes) throw tooLarge();
    // Read to the end, one byte past the limit at most (the file may grow while it is read).
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(file.size, 64 << 10)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) break;
      const n = readSync(file.fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw tooLarge();
    return buffer.subarray(0, length);
  } finally {
    closeSync(file.fd);
  }
}
