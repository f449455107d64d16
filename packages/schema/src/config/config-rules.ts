import { Cron } from "croner";

// The rules of the `compliance:` config that a plain type cannot state, in one place: the schema
// refines with them and the packages that act on a value (the plugin's storage, the PostgreSQL
// source, the connector loader) read it through them. Pure: no file system, no network.

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why `pattern` is not a cron expression (5 or 6 fields) in `zone`, or `null` when it is one. */
export function cronProblem(pattern: string, zone: string): string | null {
  try {
    new Cron(pattern, { timezone: zone, paused: true, mode: "5-or-6-parts" }).nextRun(new Date(0));
    return null;
  } catch (error) {
    return `invalid cron expression "${pattern}": ${(error as Error).message}`;
  }
}

/** An organisation id: 1–63 letters, digits, `.`, `_` or `-`, starting with a letter or digit, never `..`. */
export function isOrgId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(value) && !value.includes("..");
}

/** What an organisation id may hold, for messages. */
export const ORG_ID_RULE = '1-63 letters, digits, ".", "_" or "-", starting with a letter or digit, no ".."';

/** Where packages are stored, as `compliance.auto_export.storage` states it (paths not yet resolved). */
export type StorageLocation =
  | {
      kind: "file" /** A path as written (`~` and relative paths still to resolve) or a file URL's path. */;
      path: string;
    }
  | { kind: "s3"; bucket: string /** Key prefix, `""` or ending in `/`. */; prefix: string };

const STORAGE_EXPECTED = "expected s3://bucket/prefix/, file:///absolute/dir/ or a folder path";

/** Parses `s3://bucket/prefix/`, `file:///dir/` or a plain folder path; a message when it cannot. */
export function parseStorageLocation(value: string): StorageLocation | { error: string } {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { kind: "file", path: value };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: `not a URL (${STORAGE_EXPECTED})` };
  }
  if (url.username || url.password) return { error: "credentials do not belong in the storage URL" };
  if (url.protocol === "file:") {
    if (url.host && url.host !== "localhost")
      return { error: `file URL with a host is not supported (${STORAGE_EXPECTED})` };
    return { kind: "file", path: decodeURIComponent(url.pathname) };
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
    )
      return { error: "the prefix may not hold empty, . or .. segments" };
    return { kind: "s3", bucket, prefix: path === "" || path.endsWith("/") ? path : `${path}/` };
  }
  return { error: `unsupported scheme "${url.protocol}" (${STORAGE_EXPECTED})` };
}

/** The connector types this project ships. */
export const BUILT_IN_CONNECTORS = ["vanta", "drata", "webhook"] as const;

/** An npm package name: lower case, optionally scoped (`@acme/iddio-connector-grc`). */
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * Why a connector `type` cannot be loaded, or `null` when it is a built-in name or a package
 * name. A URL, a `data:`/`file:`/`node:` specifier or a path is refused before anything is
 * imported: a config value must never choose code by location.
 */
export function connectorTypeProblem(type: string): string | null {
  if ((BUILT_IN_CONNECTORS as readonly string[]).includes(type)) return null;
  if (type.length <= 214 && PACKAGE_NAME.test(type)) return null;
  return `"${type.slice(0, 80)}" is neither a built-in connector (${BUILT_IN_CONNECTORS.join(", ")}) nor an npm package name; URLs, data:/file: specifiers and paths are not accepted`;
}

/** Whether a connector instance name is usable (in file names of the outbox and in metrics). */
export function isConnectorName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}
