import type { AuditLogIntegrity } from "@iddio-compliance/schema";
import type { ChainAnchor, ExportProgress } from "../export/export-options.ts";
import { discoverAuditFiles } from "../sources/discover-audit-files.ts";
import { readAuditChain } from "../sources/read-audit-chain.ts";

/** Options of {@link verifyAuditLog}. */
export interface VerifyAuditLogOptions {
  /** An iddio home, a folder of `audit*.jsonl(.gz)` files, or one JSONL file (a ledger too). */
  source: string;
  anchor?: ChainAnchor;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  now?: () => Date;
}

/**
 * Verifies the hash chain of an audit log (DESIGN §4) and returns the verdict in the shape of
 * `audit-log-integrity.json`. A broken chain is a result (`verified: false` with findings); this
 * throws only when the source cannot be found or read.
 */
export async function verifyAuditLog(options: VerifyAuditLogOptions): Promise<AuditLogIntegrity> {
  const source = discoverAuditFiles(options.source);
  const { source: _source, ...rest } = options;
  return readAuditChain(source.files, null, rest);
}
