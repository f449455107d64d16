import { createHash } from "node:crypto";
import type { CheckpointPosition } from "@iddio-compliance/schema";
import { type FileDigest, readLineBatches, readSpan } from "../io/line-reader.ts";
import type { AuditLineSource, ChainSegment, LocateResult } from "./audit-line-source.ts";
import { ChainOrder } from "./chain-order.ts";
import type { AuditFile } from "./discover-audit-files.ts";
import { discoverAuditFiles } from "./discover-audit-files.ts";

/**
 * The audit log as iddio writes it: `audit*.jsonl` and rotated `audit*.jsonl.gz` files, read in
 * chain order (never by name). Throws a coded error naming the path when nothing is found.
 */
export function jsonlSource(path: string, options: { home?: string } = {}): AuditLineSource {
  const found = discoverAuditFiles(path);
  const segmentOf = (
    file: AuditFile,
    resume?: { offset: number; line: number; firstHash: string | null },
  ) => {
    const digest: Partial<FileDigest> = {};
    const { path: filePath } = file;
    const from = resume?.offset ?? 0;
    const segment: ChainSegment = {
      name: file.name,
      compressed: file.compressed,
      path: filePath,
      batches: (o) => readLineBatches(filePath, digest, { ...o, from }),
      digest: () => ({ bytes: digest.bytes ?? file.bytes, sha256: digest.sha256 ?? "" }),
      ...(resume ? { firstLine: resume.line + 1, startOffset: from, firstEventHash: resume.firstHash } : {}),
    };
    return segment;
  };
  return {
    type: "jsonl",
    location: path,
    orgId: null,
    home: options.home ?? found.home,
    totalBytes: found.files.reduce((sum, f) => sum + f.bytes, 0),
    async *segments(head, anchorHash, from) {
      const order = await ChainOrder.of(found.files);
      let file: AuditFile | undefined;
      if (from && from.offset !== null) {
        const start = order.resumeIn(from.segment);
        if (start)
          yield segmentOf(start, { offset: from.offset, line: from.line, firstHash: from.firstEventHash });
        file = order.next(head());
      } else file = order.next(null, anchorHash);
      for (; file; file = order.next(head())) yield segmentOf(file);
    },
    async locate(position) {
      return locateInFiles(await ChainOrder.of(found.files), position);
    },
  };
}

/**
 * Finds a checkpoint's line in the log's files: in the file it names, else (the log was rotated:
 * renamed, gzipped) in a file starting with the same first event; at the same byte offset, with
 * the same SHA-256.
 */
async function locateInFiles(order: ChainOrder, position: CheckpointPosition): Promise<LocateResult> {
  const where = `line ${position.line} of "${position.segment}"`;
  const { line_start: start, offset } = position;
  if (start === null || offset === null || offset <= start)
    return { missing: `the checkpoint names ${where} without a byte offset (not a file position)` };
  const named = order.heads.filter((h) => h.file.name === position.segment);
  const rotated = order.heads.filter(
    (h) =>
      h.file.name !== position.segment &&
      position.segment_first_hash !== null &&
      h.hash === position.segment_first_hash,
  );
  const candidates = [...named, ...rotated];
  for (const { file } of candidates) {
    const span = await readSpan(file.path, start, offset).catch(() => null);
    if (span === null || span.at(-1) !== 0x0a) continue;
    const digest = createHash("sha256")
      .update(span.subarray(0, span.length - 1))
      .digest("hex");
    if (digest !== position.line_sha256) continue;
    return {
      found: {
        segment: file.name,
        line: position.line,
        offset,
        rowKey: null,
        firstEventHash: position.segment_first_hash,
      },
    };
  }
  const why =
    candidates.length === 0
      ? "that file is gone, and no file of the log starts with its first event"
      : rotated.length === 0
        ? `"${position.segment}" holds other bytes there (edited, truncated or replaced), and no other file starts with its first event`
        : "the files that start with its first event hold other bytes there (edited, truncated or replaced)";
  return { missing: `the log no longer holds the checkpoint's ${where}: ${why}` };
}
