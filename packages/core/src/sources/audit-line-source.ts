import type { LineBatch } from "../io/line-reader.ts";

/** One stretch of the chain as stored: a log file, or the rows of a database table. */
export interface ChainSegment {
  /** How evidence names it: a file path relative to the source, or e.g. `postgres:audit_events?org_id=acme`. */
  name: string;
  /** Whether the stored bytes are gzip-compressed. */
  compressed: boolean;
  /**
   * Batches of stored lines, in order. With `digest: false` the source may skip computing its
   * digest (the reader computes it elsewhere, from `path`).
   */
  batches(options?: { digest?: boolean }): AsyncIterable<LineBatch>;
  /** The stored file, when the segment is one: its digest can then be computed off the main thread. */
  path?: string;
  /** Size and SHA-256 of what was read, known once `batches()` is exhausted. */
  digest(): { bytes: number; sha256: string };
}

/**
 * Where audit lines come from: rotated JSONL files, or a database. Verification, every mapper and
 * the evidence writers consume a source the same way, so a new storage means one new source.
 */
export interface AuditLineSource {
  /** What `summary.json` says about the source. */
  readonly type: "jsonl" | "postgres";
  readonly location: string;
  readonly orgId: string | null;
  /** The iddio home for the optional inputs (policy.yaml, tokens.yaml, certificates, recordings), if any. */
  readonly home: string | null;
  /** Total stored bytes, when known up front (for progress). */
  readonly totalBytes: number | null;
  /**
   * The segments in chain order. `head()` is the hash of the last event verified so far, so a
   * source can follow the chain from one segment to the next (rotated files are ordered this way).
   */
  segments(head: () => string | null, anchorHash: string | undefined): AsyncIterable<ChainSegment>;
}
