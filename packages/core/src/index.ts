export type { ChainFileInfo, ChainVerifierOptions, FindingKind, HashMode } from "./chain/chain-verifier.ts";
export { ChainVerifier } from "./chain/chain-verifier.ts";
export type { VerifyAuditLogOptions } from "./chain/verify-audit-log.ts";
export { verifyAuditLog } from "./chain/verify-audit-log.ts";
export type { Env } from "./config/interpolate-env.ts";
export { interpolateEnv, shieldEnvReferences } from "./config/interpolate-env.ts";
export type { ServerConfig, ServerConfigOptions } from "./config/load-server-config.ts";
export {
  loadServerConfig,
  parseServerConfig,
  parseServerConfigObject,
  readServerConfigFile,
} from "./config/load-server-config.ts";
export type { ServerConfigErrorCode } from "./config/server-config-error.ts";
export { isServerConfigError, ServerConfigError } from "./config/server-config-error.ts";
export type { ComplianceErrorCode } from "./errors/compliance-error.ts";
export { ComplianceError, isComplianceError } from "./errors/compliance-error.ts";
export { exportEvidence } from "./export/export-evidence.ts";
export type {
  ChainAnchor,
  ExportEvidenceOptions,
  ExportEvidenceResult,
  ExportProgress,
} from "./export/export-options.ts";
export type { LineBatch } from "./io/line-reader.ts";
export type { LoadedCheckpoint } from "./package/checkpoint-file.ts";
export { CHECKPOINT_FILE, parseCheckpoint, readCheckpoint } from "./package/checkpoint-file.ts";
export type { DrawSampleOptions, DrawSampleResult } from "./package/draw-sample.ts";
export { drawSample } from "./package/draw-sample.ts";
export { previousLinkOf } from "./package/previous-link.ts";
export type { PackageSummary, SummaryFile } from "./package/read-package.ts";
export { readSummaryFile } from "./package/read-package.ts";
export type { PopulationName } from "./package/sample-populations.ts";
export { isPopulation, POPULATIONS } from "./package/sample-populations.ts";
export type { WrittenKeys } from "./package/signing.ts";
export { readPrivateKey, readPublicKey, writeSigningKeys } from "./package/signing.ts";
export type {
  PackageProblem,
  PackageVerdict,
  SignatureCheck,
  VerifyPackageOptions,
} from "./package/verify-package.ts";
export { verifyPackage } from "./package/verify-package.ts";
export type { SampleProblem, SampleVerdict } from "./package/verify-sample.ts";
export { verifySample } from "./package/verify-sample.ts";
export type {
  SeriesEntry,
  SeriesProblem,
  SeriesProblemKind,
  SeriesVerdict,
} from "./package/verify-series.ts";
export { verifySeries } from "./package/verify-series.ts";
export type {
  AuditLineSource,
  ChainSegment,
  LocateResult,
  ResumePoint,
} from "./sources/audit-line-source.ts";
export type { CertificateInfo } from "./sources/certificates.ts";
export { readAgentCertificates, readCertificate } from "./sources/certificates.ts";
export type { AuditFile, AuditSource } from "./sources/discover-audit-files.ts";
export { discoverAuditFiles } from "./sources/discover-audit-files.ts";
export { jsonlSource } from "./sources/jsonl-source.ts";
export type { PolicyFile } from "./sources/policy-file.ts";
export { readPolicyFile } from "./sources/policy-file.ts";
export type { TokenFingerprint } from "./sources/tokens-file.ts";
export { readTokensFile, tokenFingerprint } from "./sources/tokens-file.ts";
export type { Period, PeriodDates } from "./time/period.ts";
export { makePeriod } from "./time/period.ts";
