import type { EvidenceSummary } from "@iddio-compliance/schema";

/** What a storage holds under one package key. */
export type PackageCheck =
  | { state: "absent" }
  /** Something is stored but the package is not complete: no `summary.json`, or the manifest does not match. */
  | { state: "incomplete"; reason: string }
  | { state: "complete"; summary: EvidenceSummary /** SHA-256 of `summary.json`. */; summarySha256: string };

/**
 * The replica that stored a package and queued its pushes (DESIGN §7.3). Written under the
 * period's lock after the package is complete, so every other replica sees who owns its delivery.
 */
export interface PackageOwner {
  version: 1;
  /** The owning replica's id (`<state_dir>/replica.json`). */
  replica: string;
  /** Host name of the owning replica, for operators. */
  host: string;
  /** When the replica took the package over (ISO 8601). */
  claimed_at: string;
}

/**
 * Where packages live (DESIGN §7.3): one folder or prefix per package, `<from>_<to>/`, with
 * `summary.json` written last. A package is complete only when its manifest matches.
 */
export interface EvidenceStorage {
  /** The storage URL, for logs and the ledger (never holds credentials). */
  readonly location: string;
  /** Removes what an interrupted upload or deletion left behind (nothing a reader could mistake for a package). */
  recover(): Promise<void>;
  /** Stores the package folder `dir` as `key`: every manifest file, then `summary.json`. Rejects a package that does not match its manifest. */
  put(key: string, dir: string, signal?: AbortSignal): Promise<void>;
  /** Reads `summary.json` and checks every manifest file's size and SHA-256. */
  check(key: string): Promise<PackageCheck>;
  /** Keys of every package under the configured location, complete or not. */
  list(): Promise<string[]>;
  /** Deletes a whole package, `summary.json` first so it never looks complete half-deleted, its owner record last. */
  delete(key: string): Promise<void>;
  /** The owner record of a package, or `null` (kept beside the packages, never inside one). */
  owner(key: string): Promise<PackageOwner | null>;
  /** Writes (or replaces) the owner record of a stored package; called under the period's lock. */
  setOwner(key: string, owner: PackageOwner): Promise<void>;
  /** Makes a stored package readable as a local folder (in place for `file://`, a temporary copy for S3). */
  open(key: string): Promise<{ dir: string; release(): Promise<void> }>;
}
