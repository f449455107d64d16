import type { EvidenceSummary } from "@iddio-compliance/schema";
import type { CriterionKey } from "./criterion-of-file.ts";

/** One file of an evidence package, read and verified against the manifest. */
export interface EvidenceFile {
  /** File name inside the package, e.g. `cc6.1-access-controls.json`. */
  name: string;
  mediaType: EvidenceSummary["manifest"][number]["media_type"];
  bytes: Uint8Array;
  /** Size in bytes. */
  size: number;
  /** Lowercase hex SHA-256 of `bytes`. */
  sha256: string;
  /** The criterion the file belongs to, when it belongs to one. */
  criterion: CriterionKey | undefined;
}

/** A verified evidence package: every manifest file plus `summary.json` itself (last). */
export interface EvidencePackage {
  /** Directory it was read from. */
  dir: string;
  summary: EvidenceSummary;
  /** SHA-256 of `summary.json`; through the manifest it commits to every file, so it identifies the package. */
  sha256: string;
  files: EvidenceFile[];
}
