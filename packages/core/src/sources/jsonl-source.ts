import { type FileDigest, readLineBatches } from "../io/line-reader.ts";
import type { AuditLineSource, ChainSegment } from "./audit-line-source.ts";
import { ChainOrder } from "./chain-order.ts";
import { discoverAuditFiles } from "./discover-audit-files.ts";

/**
 * The audit log as iddio writes it: `audit*.jsonl` and rotated `audit*.jsonl.gz` files, read in
 * chain order (never by name). Throws a coded error naming the path when nothing is found.
 */
export function jsonlSource(path: string, options: { home?: string } = {}): AuditLineSource {
  const found = discoverAuditFiles(path);
  return {
    type: "jsonl",
    location: path,
    orgId: null,
    home: options.home ?? found.home,
    totalBytes: found.files.reduce((sum, f) => sum + f.bytes, 0),
    async *segments(head, anchorHash) {
      const order = await ChainOrder.of(found.files);
      for (let file = order.next(null, anchorHash); file; file = order.next(head())) {
        const digest: Partial<FileDigest> = {};
        const { path: filePath } = file;
        const segment: ChainSegment = {
          name: file.name,
          compressed: file.compressed,
          path: filePath,
          batches: (options) => readLineBatches(filePath, digest, options),
          digest: () => ({ bytes: digest.bytes ?? file.bytes, sha256: digest.sha256 ?? "" }),
        };
        yield segment;
      }
    },
  };
}
