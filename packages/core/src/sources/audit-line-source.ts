import type { CheckpointPosition } from "@iddio-compliance/schema";
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
  /** 1-based number of the first line `batches()` yields: the line after a checkpoint's when resumed. @default 1 */
  firstLine?: number;
  /** Byte offset (decompressed) of the first line yielded in the stored file. @default 0 */
  startOffset?: number;
  /** The `hash` of the segment's first event, when reading starts after it (resumed inside the segment). */
  firstEventHash?: string | null;
}

/** A checkpoint's line found again in the stored log: reading resumes right after it. */
export interface ResumePoint {
  /** The segment holding the line, by its current name (a rotated file may have been renamed). */
  segment: string;
  /** The line's number in that segment; reading starts at the next one. */
  line: number;
  /** Byte offset just past the line (files): where reading starts. */
  offset: number | null;
  /** The line's row key (database): reading starts at the rows after it. */
  rowKey: string | null;
  /** The `hash` of the segment's first event (as the checkpoint recorded it). */
  firstEventHash: string | null;
}

/** Whether a checkpoint's line is still in the log: where, or why not. */
export type LocateResult = { found: ResumePoint } | { missing: string };

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
   * With `from`, the segments start right after that line (see {@link locate}).
   */
  segments(
    head: () => string | null,
    anchorHash: string | undefined,
    from?: ResumePoint,
  ): AsyncIterable<ChainSegment>;
  /**
   * Finds a checkpoint's line again: at its position, with its SHA-256 (through a rotation, by the
   * first event of its file). A source without it cannot be resumed from a checkpoint.
   */
  locate?(position: CheckpointPosition): Promise<LocateResult>;
}
