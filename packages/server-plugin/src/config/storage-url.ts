import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where packages are stored, parsed from `compliance.auto_export.storage`. */
export type StorageTarget =
  | { kind: "file" /** Absolute directory. */; dir: string }
  | { kind: "s3"; bucket: string /** Key prefix, `""` or ending in `/`. */; prefix: string };

/** Parses `s3://bucket/prefix/` or `file:///dir/`; returns a message instead when it cannot. */
export function parseStorageUrl(value: string): StorageTarget | { error: string } {
  const expected = "expected s3://bucket/prefix/, file:///absolute/dir/ or a folder path";
  // A plain path (no scheme) is a local folder, resolved against the working directory.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { kind: "file", dir: expandPath(value) };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: `not a URL (${expected})` };
  }
  if (url.username || url.password) return { error: "credentials do not belong in the storage URL" };
  if (url.protocol === "file:") {
    if (url.host && url.host !== "localhost")
      return { error: `file URL with a host is not supported (${expected})` };
    return { kind: "file", dir: fileURLToPath(new URL(`file://${url.pathname}`)) };
  }
  if (url.protocol === "s3:") {
    const bucket = url.hostname;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
      return { error: `invalid bucket name "${bucket}"` };
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, "");
    if (
      path
        .split("/")
        .some((part, i, all) => (part === "" && i < all.length - 1) || part === "." || part === "..")
    ) {
      return { error: "the prefix may not hold empty, . or .. segments" };
    }
    return { kind: "s3", bucket, prefix: path === "" || path.endsWith("/") ? path : `${path}/` };
  }
  return { error: `unsupported scheme "${url.protocol}" (${expected})` };
}

/** Expands `~` and resolves a relative path against the working directory. */
export function expandPath(path: string): string {
  const expanded = path === "~" ? homedir() : path.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}
