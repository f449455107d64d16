// `@iddio-compliance/core/verify`: the hash-chain verifier alone. It loads neither zod nor yaml, so
// `iddio-compliance verify` starts in a fraction of the time the whole package takes.

export type { VerifyAuditLogOptions } from "./chain/verify-audit-log.ts";
export { verifyAuditLog } from "./chain/verify-audit-log.ts";
export type { AuditLineSource, ChainSegment } from "./sources/audit-line-source.ts";
