import type { PackageOwner } from "./evidence-storage.ts";

/** Reads an owner record; anything that is not a version 1 record counts as no owner. */
export function parsePackageOwner(value: unknown): PackageOwner | null {
  const o = value as Partial<PackageOwner> | null | undefined;
  if (!o || typeof o !== "object" || o.version !== 1) return null;
  if (typeof o.replica !== "string" || o.replica === "" || typeof o.claimed_at !== "string") return null;
  return {
    version: 1,
    replica: o.replica,
    host: typeof o.host === "string" ? o.host : "",
    claimed_at: o.claimed_at,
  };
}
