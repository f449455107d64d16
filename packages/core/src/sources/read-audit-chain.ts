import { availableParallelism } from "node:os";
import type { AuditLogIntegrity } from "@iddio-compliance/schema";
import { ChainVerifier } from "../chain/chain-verifier.ts";
import { HashPool, type ScannedBlock, scanHere, scannedParts } from "../chain/hash-pool.ts";
import { ComplianceError, isComplianceError } from "../errors/compliance-error.ts";
import type { ChainAnchor, ExportProgress } from "../export/export-options.ts";
import type { LineBatch } from "../io/line-reader.ts";
import type { AuditLineSource } from "./audit-line-source.ts";

/** Where a record came from. */
export interface RecordLocation {
  file: string;
  line: number;
  /** The record's `timestamp` in ms when the reader already parsed it. */
  timeMs?: number;
}

/**
 * Receives what the verifier has read, in chain order: whole blocks of lines once they are verified
 * (the receiver reads records from them itself, see `mapBlock`), and single records read line by
 * line (an incomplete last line). A returned promise holds the reader back (bounded memory).
 */
export interface ChainSink {
  block(scanned: ScannedBlock, file: string, firstLine: number): void | Promise<void>;
  record(record: Record<string, unknown>, at: RecordLocation): void | Promise<void>;
}

/** Options of {@link readAuditChain}. */
export interface ReadAuditChainOptions {
  anchor?: ChainAnchor;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /** Clock for `verified_at`. @default () => new Date() */
  now?: () => Date;
  /**
   * Hashing worker threads besides the main thread (which scans its share too): `0` hashes on the
   * main thread only. @default {@link defaultHashThreads}: cores − 1 from 3 cores up, for logs over 16 MB
   */
  hashThreads?: number;
}

/** Blocks this small (a line carried across chunks) are scanned here rather than sent to a worker. */
const SMALL_BLOCK = 4096;

/**
 * Workers pay off only with cores to spare: on 2 cores the byte scan on the main thread (which
 * already keeps ~1.3 cores busy with reading and GC) verified 1.09 M events in ~2.5 s, and every
 * worker layout measured 2.9–3.2 s (the transfer, the second isolate's GC and the pipeline cost
 * more than they save). So: cores − 1 workers from 3 cores up, for logs over 16 MB.
 */
export function defaultHashThreads(totalBytes: number | null): number {
  const cores = availableParallelism();
  return cores > 2 && (totalBytes ?? Number.POSITIVE_INFINITY) > WORKERS_ABOVE_BYTES ? cores - 1 : 0;
}

/** Logs above this size are hashed by workers unless told otherwise. */
const WORKERS_ABOVE_BYTES = 16 << 20;

/** Joins lines into one `\n`-terminated block (for sources that do not provide one). */
function blockOf(batch: LineBatch): Buffer {
  if (batch.block) return batch.block;
  const parts: Buffer[] = [];
  for (const line of batch.lines ?? []) parts.push(line, NEWLINE);
  return Buffer.concat(parts);
}
const NEWLINE = Buffer.from("\n");

const PROGRESS_EVERY_MS = 250;

/**
 * Reads an audit line source once, in chain order, verifying every line and handing each
 * verified block to `sink`: the single pass that verification and every mapper share.
 */
export async function readAuditChain(
  source: AuditLineSource,
  sink: ChainSink | null,
  options: ReadAuditChainOptions = {},
): Promise<AuditLogIntegrity> {
  const verifier = new ChainVerifier(options.anchor ? { anchor: options.anchor } : {});
  const threads = options.hashThreads ?? defaultHashThreads(source.totalBytes);
  const pool = threads > 0 ? new HashPool(threads) : null;
  // Blocks in flight to the workers (bounded memory); the link check consumes them in order.
  const depth = threads * 4;
  let blockIndex = 0;
  let bytesBefore = 0;
  let lastReport = 0;

  try {
    const segments = source.segments(() => verifier.head, options.anchor?.hash)[Symbol.asyncIterator]();
    let next = await segments.next();
    while (!next.done) {
      const segment = next.value;
      verifier.beginFile(segment.name, segment.compressed);
      let lineNo = 1;
      // An incomplete last line: its bytes, or its length when it was too long to keep.
      let tail: Buffer | number | null = null;
      // The stored file's SHA-256 is computed by a worker reading it on its own: not on this thread.
      const fileDigest = pool && segment.path ? pool.digestFile(segment.path) : null;
      fileDigest?.catch(() => {});
      // The link check reads hash and prev_hash from the scanned bytes; the sink reads records after.
      const consume = async (scanned: ScannedBlock): Promise<void> => {
        for (const part of scannedParts(scanned)) {
          const firstLine = lineNo;
          const { bytes, scan } = part;
          for (let i = 0; i < scan.count; i++, lineNo++) verifier.verifyScanned(bytes, scan, i, lineNo);
          if (sink) {
            verifier.release(bytes); // the sink may move the block to another thread
            await sink.block(part, segment.name, firstLine);
          }
        }
      };
      const inflight: Promise<ScannedBlock>[] = [];
      try {
        for await (const batch of segment.batches(fileDigest ? { digest: false } : {})) {
          if (options.signal?.aborted)
            throw new ComplianceError("ABORTED", "stopped: the operation was aborted", {
              cause: options.signal.reason,
            });
          if (batch.incompleteTail) {
            tail = batch.overlongBytes ?? batch.lines?.[0] ?? batch.block ?? null;
            continue;
          }
          if (batch.overlongBytes !== undefined) {
            for (const scanned of inflight.splice(0)) await consume(await scanned);
            verifier.verifyOverlong(batch.overlongBytes, lineNo++);
            continue;
          }
          const block = blockOf(batch);
          // The main thread scans every (threads + 1)-th block itself, so both it and the workers stay busy.
          const here = !pool || block.length <= SMALL_BLOCK || blockIndex++ % (threads + 1) === threads;
          if (!here && pool) {
            const scanned = pool.scan(block, batch.transferable === true);
            scanned.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
            inflight.push(scanned);
            while (inflight.length > depth) await consume(await (inflight.shift() as Promise<ScannedBlock>));
          } else {
            // Scan here while the workers finish the earlier blocks, then consume in order.
            const mine = scanHere(block, batch.transferable === true);
            for (const scanned of inflight.splice(0)) await consume(await scanned);
            await consume(mine);
          }
          if (options.onProgress) {
            const now = Date.now();
            if (now - lastReport >= PROGRESS_EVERY_MS) {
              lastReport = now;
              options.onProgress({
                bytesRead: bytesBefore + batch.bytesRead,
                totalBytes: source.totalBytes,
                events: verifier.events,
              });
            }
          }
        }
        for (const scanned of inflight.splice(0)) await consume(await scanned);
      } catch (cause) {
        if (isComplianceError(cause)) throw cause;
        throw new ComplianceError(
          "INPUT_UNREADABLE",
          `cannot read audit log "${segment.name}": ${(cause as Error).message}`,
          { subject: segment.name, cause },
        );
      }
      // Only now do we know whether another segment follows: the newest one is the live end of the
      // log, where an incomplete last line is a truncated tail rather than damage.
      next = await segments.next();
      if (typeof tail === "number") verifier.verifyOverlong(tail, lineNo, true, next.done === true);
      else if (tail) {
        const record = verifier.verifyLine(tail, lineNo, true, next.done === true);
        if (record && sink) await sink.record(record, { file: segment.name, line: lineNo });
      }
      const digest = fileDigest ? await fileDigest : segment.digest();
      verifier.endFile(digest.bytes, digest.sha256);
      bytesBefore += digest.bytes;
    }
  } finally {
    await pool?.close();
  }
  options.onProgress?.({ bytesRead: bytesBefore, totalBytes: source.totalBytes, events: verifier.events });
  return verifier.result((options.now ?? (() => new Date()))());
}
