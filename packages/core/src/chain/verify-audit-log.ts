import type { AuditLogIntegrity } from "@iddio-compliance/schema";
import type { ChainAnchor, ExportProgress } from "../export/export-options.ts";
import type { AuditLineSource } from "../sources/audit-line-source.ts";
import { jsonlSource } from "../sources/jsonl-source.ts";
import { readAuditChain } from "../sources/read-audit-chain.ts";

/** Options of {@link verifyAuditLog}. */
export interface VerifyAuditLogOptions {
  /** An iddio home, a folder of `audit*.jsonl(.gz)` files, one JSONL file (a ledger too), or another {@link AuditLineSource}. */
  source: string | AuditLineSource;
  anchor?: ChainAnchor;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  now?: () => Date;
  /** Hashing worker threads (`0`: main thread only). @default cores, for logs over 16 MB */
  hashThreads?: number;
}

/**
 * Verifies the hash chain of an audit log (DESIGN §4) and returns the verdict in the shape of
 * `audit-log-integrity.json`. A broken chain is a result (`verified: false` with findings); this
 * throws only when the source cannot be found or read.
 */
export async function verifyAuditLog(options: VerifyAuditLogOptions): Promise<AuditLogIntegrity> {
  const { source, ...rest } = options;
  return readAuditChain(typeof source === "string" ? jsonlSource(source) : source, null, rest);
}
