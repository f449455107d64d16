import type { AuditLogIntegrity } from "@iddio-compliance/schema";
import { ChainVerifier } from "../chain/chain-verifier.ts";
import { ComplianceError, isComplianceError } from "../errors/compliance-error.ts";
import type { ChainAnchor, ExportProgress } from "../export/export-options.ts";
import type { AuditLineSource } from "./audit-line-source.ts";

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
 * Reads an audit line source once, in chain order, verifying every line and handing each
 * well-formed record to `sink`: the single pass that verification and every mapper share.
 */
export async function readAuditChain(source: AuditLineSource, sink: RecordSink | null, options: ReadAuditChainOptions = {}): Promise<AuditLogIntegrity> {
  const verifier = new ChainVerifier(options.anchor ? { anchor: options.anchor } : {});
  let bytesBefore = 0;
  let lastReport = 0;
  const segments = source.segments(() => verifier.head, options.anchor?.hash)[Symbol.asyncIterator]();
  let next = await segments.next();
  while (!next.done) {
    const segment = next.value;
    verifier.beginFile(segment.name, segment.compressed);
    const pending: { line: Buffer; lineNo: number; incomplete: boolean }[] = [];
    try {
      for await (const batch of segment.batches()) {
        if (options.signal?.aborted) throw new ComplianceError("ABORTED", "stopped: the operation was aborted", { cause: options.signal.reason });
        const { lines, firstLine, incompleteTail } = batch;
        if (incompleteTail) {
          pending.push({ line: lines[0] as Buffer, lineNo: firstLine, incomplete: true });
          continue;
        }
        for (let i = 0; i < lines.length; i++) {
          const lineNo = firstLine + i;
          const record = verifier.verifyLine(lines[i] as Buffer, lineNo, false, true);
          if (record && sink) sink(record, { file: segment.name, line: lineNo });
        }
        if (options.onProgress) {
          const now = Date.now();
          if (now - lastReport >= PROGRESS_EVERY_MS) {
            lastReport = now;
            options.onProgress({ bytesRead: bytesBefore + batch.bytesRead, totalBytes: source.totalBytes, events: verifier.events });
          }
        }
      }
    } catch (cause) {
      if (isComplianceError(cause)) throw cause;
      throw new ComplianceError("INPUT_UNREADABLE", `cannot read audit log "${segment.name}": ${(cause as Error).message}`, { subject: segment.name, cause });
    }
    // Only now do we know whether another segment follows: the newest one is the live end of the
    // log, where an incomplete last line is a truncated tail rather than damage.
    next = await segments.next();
    for (const p of pending) {
      const record = verifier.verifyLine(p.line, p.lineNo, p.incomplete, next.done === true);
      if (record && sink) sink(record, { file: segment.name, line: p.lineNo });
    }
    const digest = segment.digest();
    verifier.endFile(digest.bytes, digest.sha256);
    bytesBefore += digest.bytes;
  }
  options.onProgress?.({ bytesRead: bytesBefore, totalBytes: source.totalBytes, events: verifier.events });
  return verifier.result((options.now ?? (() => new Date()))());
}
