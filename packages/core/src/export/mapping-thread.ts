import { once } from "node:events";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { AuditLogIntegrity, CheckpointState } from "@iddio-compliance/schema";
import type { ScannedBlock } from "../chain/hash-pool.ts";
import { ComplianceError } from "../errors/compliance-error.ts";
import type { ChainSink, RecordLocation } from "../sources/read-audit-chain.ts";
import type { MappedDocuments, MappingSetup } from "./mapping-session.ts";
import { type MappingReply, unpackSpools } from "./mapping-wire.ts";

/** Blocks handed over and not yet mapped; the reader waits beyond this (bounded memory). */
const MAX_IN_FLIGHT = 4;

/** Blocks are at most a read chunk (4 MiB) plus a line carried over. */
const BLOCK_BYTES = (4 << 20) + (64 << 10);

/** How long a finished thread is given to exit on its own before it is terminated. */
const CLOSE_WAIT_MS = 5000;

/** Logs above this size are mapped on a thread of their own when there is a second core. */
const THREAD_ABOVE_BYTES = 16 << 20;

/**
 * Whether an export maps on a thread of its own: with two cores or more, for logs over 16 MB.
 * Mapping (parsing every record, four mappers) then runs beside reading and verifying instead of
 * after it, so an export takes little longer than a verification.
 */
export function defaultMappingThread(totalBytes: number | null): boolean {
  return availableParallelism() >= 2 && (totalBytes ?? Number.POSITIVE_INFINITY) > THREAD_ABOVE_BYTES;
}

/**
 * A {@link MappingSession} on a worker thread: verified blocks are moved or copied over as they come, at
 * most {@link MAX_IN_FLIGHT} ahead of the mapping, and the documents come back at the end (spooled
 * lists as their files). Errors on the thread surface here with their code and message.
 */
export class MappingThread implements ChainSink {
  readonly #worker: Worker;
  #inFlight = 0;
  // Block buffers the thread has handed back: reused, as fresh memory costs more than the copy.
  readonly #spare: ArrayBuffer[] = [];
  #resume: (() => void) | null = null;
  #failure: Error | null = null;
  #finished: ((reply: MappingReply & { type: "finished" }) => void) | null = null;
  #carried: ((state: CheckpointState) => void) | null = null;
  #onFailure: ((error: Error) => void) | null = null;

  constructor(setup: MappingSetup) {
    const entry = new URL(
      `./mapping-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
      import.meta.url,
    );
    this.#worker = entry.pathname.endsWith(".ts")
      ? new Worker(fromSource(entry), {
          eval: true,
          workerData: setup,
          execArgv: ["--conditions=dev-source"],
        })
      : new Worker(entry, { workerData: setup });
    this.#worker.on("message", (reply: MappingReply) => {
      if (reply.type === "mapped") {
        if (this.#spare.length <= MAX_IN_FLIGHT && reply.buffer.byteLength >= BLOCK_BYTES)
          this.#spare.push(reply.buffer);
        this.#inFlight--;
        this.#resume?.();
        this.#resume = null;
      } else if (reply.type === "carried") this.#carried?.(reply.state);
      else if (reply.type === "finished") this.#finished?.(reply);
      else this.#fail(rebuild(reply));
    });
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("messageerror", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => this.#fail(new Error(`the mapping thread exited (code ${code})`)));
  }

  async block({ bytes, scan, owned }: ScannedBlock, file: string, firstLine: number): Promise<void> {
    if (this.#failure) throw this.#failure;
    // A block that owns its memory moves to the thread; otherwise the thread gets a copy (in a
    // buffer it handed back). The scan's arrays move too: the verifier is done with them.
    let buffer: ArrayBuffer;
    let offset = 0;
    if (owned && bytes.buffer instanceof ArrayBuffer) {
      buffer = bytes.buffer;
      offset = bytes.byteOffset;
    } else {
      const spare = this.#spare.pop();
      buffer =
        spare && spare.byteLength >= bytes.length
          ? spare
          : new ArrayBuffer(Math.max(bytes.length, BLOCK_BYTES));
      bytes.copy(new Uint8Array(buffer));
    }
    const arrays = [
      scan.status,
      scan.lineStart,
      scan.hashAt,
      scan.prevAt,
      scan.prevEnd,
      scan.times,
      scan.plain,
    ];
    const transfer = [buffer, ...arrays.map((a) => a.buffer as ArrayBuffer)];
    const message = { type: "block", buffer, offset, length: bytes.length, scan, file, firstLine };
    this.#worker.postMessage(message, transfer);
    this.#inFlight++;
    if (this.#inFlight < MAX_IN_FLIGHT) return;
    await new Promise<void>((resolve, reject) => {
      this.#resume = resolve;
      this.#onFailure = reject;
    });
  }

  record(record: Record<string, unknown>, at: RecordLocation): void {
    if (this.#failure) throw this.#failure;
    this.#worker.postMessage({ type: "record", record, at });
  }

  /** What a checkpoint carries (see `MappingSession.carry`): asked after the blocks before it. */
  async carry(): Promise<CheckpointState> {
    if (this.#failure) throw this.#failure;
    const state = await new Promise<CheckpointState>((resolve, reject) => {
      this.#carried = resolve;
      this.#onFailure = reject;
      this.#worker.postMessage({ type: "carry" });
    });
    this.#carried = null;
    return state;
  }

  /** The documents, once the whole chain (and any ledger) has been read and verified. */
  async finish(integrity: AuditLogIntegrity): Promise<MappedDocuments> {
    if (this.#failure) throw this.#failure;
    const reply = await new Promise<MappingReply & { type: "finished" }>((resolve, reject) => {
      this.#finished = resolve;
      this.#onFailure = reject;
      this.#worker.postMessage({ type: "finish", integrity });
    });
    return {
      docs: unpackSpools(reply.docs, reply.spools) as MappedDocuments["docs"],
      unrecognised: reply.unrecognised,
    };
  }

  /** Stops the thread: it exits on its own after `finish`, and is terminated otherwise. */
  async close(): Promise<void> {
    this.#worker.removeAllListeners("exit");
    if (this.#finished && !this.#failure) {
      // It exits on its own (so a CPU profile of it gets written); if it does not, it is stopped.
      const exited = once(this.#worker, "exit");
      this.#worker.postMessage({ type: "close" });
      const timer = setTimeout(() => void this.#worker.terminate(), CLOSE_WAIT_MS);
      await exited;
      clearTimeout(timer);
    } else await this.#worker.terminate();
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#onFailure?.(error);
  }
}

/** Rebuilds an error thrown on the mapping thread, keeping a {@link ComplianceError}'s code. */
function rebuild(reply: MappingReply & { type: "failed" }): Error {
  if (reply.code)
    return new ComplianceError(reply.code, reply.message, {
      ...(reply.subject ? { subject: reply.subject } : {}),
    });
  const error = new Error(`mapping thread failed: ${reply.message}`);
  error.stack = reply.stack;
  return error;
}

/**
 * Running from TypeScript sources (the tests), the thread registers tsx before it loads its entry,
 * and resolves workspace packages to their sources (`dev-source`), as the tests do.
 */
function fromSource(entry: URL): string {
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  return `import(${tsx}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
}
