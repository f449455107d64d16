import { MAX_HOME_FILE_BYTES, readRegularFile } from "../io/regular-file.ts";

/**
 * Reads a small optional input file of an iddio home as UTF-8; `null` when it does not exist.
 * Only a regular file (or a symbolic link to one) of at most 4 MiB is read: anything else is an
 * `INPUT_UNREADABLE` error naming the path.
 */
export function readOptionalText(path: string): string | null {
  return readRegularFile(path, MAX_HOME_FILE_BYTES)?.toString("utf8") ?? null;
}
