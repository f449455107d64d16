import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { StorageLocation } from "@iddio-compliance/schema";

/** Where packages are stored, resolved from `compliance.auto_export.storage`. */
export type StorageTarget =
  | { kind: "file" /** Absolute directory. */; dir: string }
  | { kind: "s3"; bucket: string /** Key prefix, `""` or ending in `/`. */; prefix: string };

/** Resolves a storage location the schema accepted (`~` and relative folders against the working directory). */
export function storageTarget(location: StorageLocation): StorageTarget {
  return location.kind === "s3" ? location : { kind: "file", dir: expandPath(location.path) };
}

/** Expands `~` and resolves a relative path against the working directory. */
export function expandPath(path: string): string {
  const expanded = path === "~" ? homedir() : path.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}
