import type { AuditLogIntegrity } from "@iddio-compliance/schema";
import { ChainVerifier } from "../chain/chain-verifier.ts";
import { ComplianceError } from "../errors/compliance-error.ts";
import type { ChainAnchor, ExportProgress } from "../export/export-options.ts";
import { type FileDigest, readLineBatches } from "../io/line-reader.ts";
import { ChainOrder } from "./chain-order.ts";
import type { AuditFile } from "./discover-audit-files.ts";

/** Where a record came from. */
export interface RecordLocation {
  file: string;
  line: number;
}

/** Receives every well-formed record in chain order. */
export type RecordSink = (record: Record<string, unknown>, at: RecordLocation) => void;

/** Options of {@link readAuditChain}. */
export interface ReadAuditChainOptions {
  anchor?: ChainAnchor;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /** Clock for `verified_at`. @default () => new Date() */
  now?: () => Date;
}

const PROGRESS_EVERY_MS = 250;

/**
 * Reads the audit log files once, in chain order, verifying every line and handing each
 * well-formed record to `sink`: the single pass that verification and every mapper share.
 */
export async function readAuditChain(files: readonly AuditFile[], sink: RecordSink | null, options: ReadAuditChainOptions = {}): Promise<AuditLogIntegrity> {
  const verifier = new ChainVerifier(options.anchor ? { anchor: options.anchor } : {});
  const order = await ChainOrder.of(files);
  const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  let bytesBefore = 0;
  let lastReport = 0;
  for (let file = order.next(null, options.anchor?.hash); file; file = order.next(verifier.head)) {
    const newest = order.remaining === 0;
    verifier.beginFile(file.name, file.compressed);
    const digest: Partial<FileDigest> = {};
    try {
      for await (const batch of readLineBatches(file.path, digest)) {
        if (options.signal?.aborted) throw new ComplianceError("ABORTED", "stopped: the operation was aborted", { cause: options.signal.reason });
        const { lines, firstLine, incompleteTail } = batch;
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i] as Buffer;
          const lineNo = firstLine + i;
          const record = verifier.verifyLine(line, lineNo, incompleteTail, newest);
          if (record && sink) sink(record, { file: file.name, line: lineNo });
        }
        if (options.onProgress) {
          const now = Date.now();
          if (now - lastReport >= PROGRESS_EVERY_MS) {
            lastReport = now;
            options.onProgress({ bytesRead: bytesBefore + batch.bytesRead, totalBytes, events: verifier.events });
          }
        }
      }
    } catch (cause) {
      if (cause instanceof ComplianceError) throw cause;
      throw new ComplianceError("INPUT_UNREADABLE", `cannot read audit log "${file.path}": ${(cause as Error).message}`, { subject: file.path, cause });
    }
    verifier.endFile(digest.bytes ?? file.bytes, digest.sha256 ?? "");
    bytesBefore += file.bytes;
  }
  options.onProgress?.({ bytesRead: totalBytes, totalBytes, events: verifier.events });
  return verifier.result((options.now ?? (() => new Date()))());
}
