import type { AuditLineSource, LineBatch } from "@iddio-compliance/core";

/**
 * Wraps a source so that `onBatch` sees each batch just before it is handed out (its block may
 * then be moved to a hashing worker): a place to kill a connection mid-stream or to sample memory.
 */
export function tapBatches(
  source: AuditLineSource,
  onBatch: (batch: LineBatch, index: number) => void | Promise<void>,
): AuditLineSource {
  return {
    ...source,
    async *segments(head, anchor, from) {
      let index = 0;
      for await (const segment of source.segments(head, anchor, from)) {
        yield {
          ...segment,
          async *batches() {
            for await (const batch of segment.batches()) {
              await onBatch(batch, index++);
              yield batch;
            }
          },
        };
      }
    },
  };
}
