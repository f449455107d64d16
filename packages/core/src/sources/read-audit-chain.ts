import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import type { AuditLogIntegrity, CheckpointChain, CheckpointPosition } from "@iddio-compliance/schema";
import { ChainVerifier, readRecordLine, type VerifierResume } from "../chain/chain-verifier.ts";
import { HashPool, type ScannedBlock, scanHere, scannedParts } from "../chain/hash-pool.ts";
import { splitScanned } from "../chain/split-scanned.ts";
import { ComplianceError, isComplianceError } from "../errors/compliance-error.ts";
import type { ChainAnchor, ExportProgress } from "../export/export-options.ts";
import type { LineBatch } from "../io/line-reader.ts";
import type { AuditLineSource, ChainSegment, ResumePoint } from "./audit-line-source.ts";

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

/** Where a checkpoint falls, as the reader saw it: the verifier's state and the last line read. */
export interface ChainCut {
  /** The verifier's state there. */
  chain: CheckpointChain;
  /**
   * The last line read; `null` when none was, it was too long or incomplete to name, or the
   * state cannot be resumed from (a trusted anchor still awaited).
   */
  position: CheckpointPosition | null;
}

/**
 * Takes a checkpoint while the chain is read: once, between lines, just before the first event
 * at or after `endMs` in chain order, or after the last complete line of the log when none is.
 */
export interface CheckpointTaker {
  endMs: number;
  /** Called with the cut; the sink has received every line before it, and none after. */
  take(cut: ChainCut): void | Promise<void>;
}

/** A checkpoint to resume after: its line found again in the log, and the verifier's state there. */
export interface ChainResume {
  point: ResumePoint;
  verifier: VerifierResume;
}

/** Options of {@link readAuditChain}. */
export interface ReadAuditChainOptions {
  anchor?: ChainAnchor;
  /** Take a checkpoint (see {@link CheckpointTaker}). */
  checkpoint?: CheckpointTaker;
  /** Read only what follows a checkpoint, continuing from its state (the `anchor` is then ignored). */
  resume?: ChainResume;
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
function defaultHashThreads(totalBytes: number | null): number {
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
  const resume = options.resume;
  const verifier = new ChainVerifier(
    resume ? { resume: resume.verifier } : options.anchor ? { anchor: options.anchor } : {},
  );
  const threads = options.hashThreads ?? defaultHashThreads(source.totalBytes);
  const pool = threads > 0 ? new HashPool(threads) : null;
  // Blocks in flight to the workers (bounded memory); the link check consumes them in order.
  const depth = threads * 4;
  let blockIndex = 0;
  let bytesBefore = 0;
  let lastReport = 0;
  const taker = options.checkpoint;
  let taken = taker === undefined;
  // The last complete line read, for a checkpoint's position.
  let last: LastLine | null = null;
  const take = async () => {
    taken = true;
    const position = verifier.awaitingAnchor ? null : positionOf(last);
    await taker?.take({ chain: verifier.snapshot(), position });
  };

  try {
    const segments = source
      .segments(() => verifier.head, resume ? undefined : options.anchor?.hash, resume?.point)
      [Symbol.asyncIterator]();
    let next = await segments.next();
    while (!next.done) {
      const segment = next.value;
      const firstLine = segment.firstLine ?? 1;
      verifier.beginFile(segment.name, segment.compressed, firstLine);
      let lineNo = firstLine;
      // Bytes of the stored (decompressed) segment before the next line.
      let offset = segment.startOffset ?? 0;
      // An incomplete last line: its bytes, or its length when it was too long to keep.
      let tail: Buffer | number | null = null;
      // The stored file's SHA-256 is computed by a worker reading it on its own: not on this thread.
      // (A compressed file resumed inside is read whole anyway: the reader digests it.)
      const fileDigest =
        pool && segment.path && !(segment.compressed && offset > 0)
          ? pool.digestFile(segment.path, segment.compressed ? 0 : offset)
          : null;
      fileDigest?.catch(() => {});
      // Verifies a part's lines, hands it to the sink, and remembers its last line.
      const feed = async (part: ScannedBlock, keys: readonly string[] | undefined): Promise<void> => {
        const { bytes, scan } = part;
        for (let i = 0; i < scan.count; i++, lineNo++) verifier.verifyScanned(bytes, scan, i, lineNo);
        if (scan.count > 0) {
          const start = scan.lineStart[scan.count - 1] as number;
          last = {
            segment,
            line: lineNo - 1,
            start: offset + start,
            end: offset + bytes.length,
            bytes: Buffer.from(bytes.subarray(start, bytes.length - 1)),
            key: keys?.[scan.count - 1] ?? null,
            firstHash: segment.firstEventHash ?? verifier.currentFirstHash,
          };
        }
        offset += bytes.length;
        if (sink) {
          verifier.release(bytes); // the sink may move the block to another thread
          await sink.block(part, segment.name, lineNo - scan.count);
        }
      };
      // The link check reads hash and prev_hash from the scanned bytes; the sink reads records after.
      const consume = async (scanned: ScannedBlock, keys: readonly string[] | undefined): Promise<void> => {
        let keyAt = 0;
        for (const part of scannedParts(scanned)) {
          const partKeys = keys?.slice(keyAt, keyAt + part.scan.count);
          keyAt += part.scan.count;
          const k = taken ? -1 : boundaryIndex(part, (taker as CheckpointTaker).endMs);
          if (k === -1) await feed(part, partKeys);
          else if (k === 0) {
            await take();
            await feed(part, partKeys);
          } else {
            const [before, after] = splitScanned(part, k);
            await feed(before, partKeys?.slice(0, k));
            await take();
            await feed(after, partKeys?.slice(k));
          }
        }
      };
      const inflight: { scanned: Promise<ScannedBlock>; keys: readonly string[] | undefined }[] = [];
      const drain = async () => {
        for (const { scanned, keys } of inflight.splice(0)) await consume(await scanned, keys);
      };
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
            await drain();
            verifier.verifyOverlong(batch.overlongBytes, lineNo++);
            offset += batch.overlongBytes + 1;
            last = null; // a line too long to keep cannot be named again
            continue;
          }
          const block = blockOf(batch);
          // The main thread scans every (threads + 1)-th block itself, so both it and the workers stay busy.
          const here = !pool || block.length <= SMALL_BLOCK || blockIndex++ % (threads + 1) === threads;
          if (!here && pool) {
            const scanned = pool.scan(block, batch.transferable === true);
            scanned.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
            inflight.push({ scanned, keys: batch.keys });
            while (inflight.length > depth) {
              const first = inflight.shift() as (typeof inflight)[number];
              await consume(await first.scanned, first.keys);
            }
          } else {
            // Scan here while the workers finish the earlier blocks, then consume in order.
            const mine = scanHere(block, batch.transferable === true);
            await drain();
            await consume(mine, batch.keys);
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
        await drain();
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
      // No event at or after the checkpoint's end: it falls after the last complete line.
      if (!taken && next.done === true) await take();
      if (tail !== null) last = null; // an incomplete line cannot be named again
      if (typeof tail === "number") verifier.verifyOverlong(tail, lineNo, true, next.done === true);
      else if (tail) {
        const record = verifier.verifyLine(tail, lineNo, true, next.done === true);
        if (record && sink) await sink.record(record, { file: segment.name, line: lineNo });
      }
      const digest = fileDigest ? await fileDigest : segment.digest();
      verifier.endFile(digest.bytes, digest.sha256);
      bytesBefore += digest.bytes;
    }
    if (!taken) await take(); // a log with no segment at all
  } finally {
    await pool?.close();
  }
  options.onProgress?.({ bytesRead: bytesBefore, totalBytes: source.totalBytes, events: verifier.events });
  return verifier.result((options.now ?? (() => new Date()))());
}

/** The last complete line read: where it is stored, its bytes, and its row key (database). */
interface LastLine {
  segment: ChainSegment;
  line: number;
  start: number;
  end: number;
  bytes: Buffer;
  key: string | null;
  firstHash: string | null;
}

function positionOf(last: LastLine | null): CheckpointPosition | null {
  if (!last) return null;
  const byKey = last.key !== null;
  return {
    segment: last.segment.name,
    segment_first_hash: last.firstHash,
    line: last.line,
    line_sha256: createHash("sha256").update(last.bytes).digest("hex"),
    line_start: byKey ? null : last.start,
    offset: byKey ? null : last.end,
    row_key: last.key,
  };
}

/**
 * The index of the first line of a verified part that is an event at or after `endMs` (as the
 * period's segment sees events, see `PeriodEvents`), or -1.
 */
function boundaryIndex({ bytes, scan }: ScannedBlock, endMs: number): number {
  for (let i = 0; i < scan.count; i++) {
    if (scan.status[i] !== 3) {
      if ((scan.times[i] as number) >= endMs) return i;
      continue;
    }
    const from = scan.lineStart[i] as number;
    let to = bytes.indexOf(0x0a, from);
    if (to === -1) to = bytes.length;
    const read = readRecordLine(bytes.subarray(from, to));
    if ("error" in read) continue;
    const stamp = read.record.timestamp;
    if (typeof stamp === "string" && Date.parse(stamp) >= endMs) return i;
  }
  return -1;
}
