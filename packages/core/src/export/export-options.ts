import type { KeyObject } from "node:crypto";
import type { EvidenceSummary, PreviousPackage } from "@iddio-compliance/schema";
import type { LoadedCheckpoint } from "../package/checkpoint-file.ts";
import type { AuditLineSource } from "../sources/audit-line-source.ts";

/** Progress of a long export or verification, reported about every 64 MiB or 250 ms. */
export interface ExportProgress {
  /** Bytes of the audit log read so far (compressed bytes for `.gz` files). */
  bytesRead: number;
  /** Total bytes of all audit log files, when known. */
  totalBytes: number | null;
  /** Lines read so far. */
  events: number;
}

/** A trusted position in the chain (a checkpoint of an earlier verified export). */
export interface ChainAnchor {
  /** The `hash` of the last event the checkpoint covered. */
  hash: string;
  /** How many events the chain held up to and including that event. */
  events: number;
}

/** Options of {@link exportEvidence}. */
export interface ExportEvidenceOptions {
  /** An iddio home, a folder of `audit*.jsonl(.gz)` files, one audit log file, or another {@link AuditLineSource} (PostgreSQL). */
  source: string | AuditLineSource;
  /** The iddio home for policy.yaml, tokens.yaml, certificates and recordings. @default the source's own home */
  home?: string;
  /** First day of the period, `YYYY-MM-DD`, inclusive. */
  from: string;
  /** Last day of the period, `YYYY-MM-DD`, inclusive (its whole day). */
  to: string;
  /** IANA time zone the dates are read in. @default "UTC" */
  timeZone?: string;
  /** Evidence file format. */
  format: "json" | "csv";
  /** The package directory to create. Its parent must exist; the directory itself must not. */
  output: string;
  /** Extra hash-chained JSONL files (the server plugin's ledger) whose lifecycle records feed the mappers. */
  ledgers?: readonly string[];
  /** A trusted checkpoint: the chain is proven from it instead of from genesis. */
  anchor?: ChainAnchor;
  /**
   * The checkpoint of an earlier export (see `readCheckpoint`): when the log still holds its line,
   * only what follows is read, verified and mapped, and the evidence equals a full pass's. When it
   * does not, the export reads the whole log and says why in `resume.fallback`.
   */
  resumeFrom?: LoadedCheckpoint;
  /** An Ed25519 private key: `summary.json` is signed into `summary.json.sig` and names the key id. */
  sign?: KeyObject;
  /** The link to the package of the period just before this one (see `previousLinkOf`). */
  previous?: PreviousPackage;
  /** Clock for `generated_at` and certificate status. @default () => new Date() */
  now?: () => Date;
  /** Stops the export; nothing is left behind. */
  signal?: AbortSignal;
  /** Called with progress while the log is read. */
  onProgress?: (progress: ExportProgress) => void;
  /** Hashing worker threads (`0`: main thread only). @default cores, for logs over 16 MB */
  hashThreads?: number;
  /**
   * Map records on a thread of their own, beside reading and verifying (`false`: on the calling
   * thread, after each block is verified). The evidence is the same either way.
   * @default true with two cores or more, for logs over 16 MB
   */
  mappingThread?: boolean;
  /** Write `report.html`, the package's self-contained page for people, and list it in the manifest. @default true */
  report?: boolean;
}

/** What {@link exportEvidence} produced. */
export interface ExportEvidenceResult {
  /** The package directory (equal to `options.output`). */
  dir: string;
  /** The package's `summary.json`, as written. */
  summary: EvidenceSummary;
  /** Whether the hash chain verified. */
  verified: boolean;
  /** The hash of the last event read, for checkpoints. */
  chainHead: string | null;
  /** Number of events in the chain (all periods). */
  totalEvents: number;
  /** SHA-256 of the package's `checkpoint.json` (the next export may resume from it). */
  checkpointSha256: string;
  /** How the log was read: after `resumeFrom`'s line, or whole (with why a given checkpoint was not used). */
  resume: { resumed: boolean; fallback: string | null };
}
