export type { ComplianceConfig, ConfigIssue, S3StorageConfig } from "./config/compliance-config.ts";
export { CRITERION_KEYS, parseComplianceConfig } from "./config/compliance-config.ts";
export type { StorageLocation } from "./config/config-rules.ts";
export {
  BUILT_IN_CONNECTORS,
  connectorTypeProblem,
  isOrgId,
  ORG_ID_RULE,
  parseStorageLocation,
} from "./config/config-rules.ts";
export { formatKeyPath } from "./config/key-path.ts";
export type { IddioComplianceErrorOptions } from "./errors/iddio-compliance-error.ts";
export { IddioComplianceError, isIddioComplianceError } from "./errors/iddio-compliance-error.ts";
export type { AuditLogIntegrity, ChainFinding } from "./evidence/audit-log-integrity.ts";
/** @public The type of each evidence document (docs/evidence-reference.md), for programs that read packages. */
export type { Cc61AccessControls } from "./evidence/cc6-1-access-controls.ts";
/** @public */
export type { Cc62CredentialLifecycle } from "./evidence/cc6-2-credential-lifecycle.ts";
/** @public */
export type { Cc63AuthorizationChanges } from "./evidence/cc6-3-authorization-changes.ts";
/** @public */
export type { Cc72MonitoringEvidence } from "./evidence/cc7-2-monitoring-evidence.ts";
export type {
  ManifestItem,
  ManifestProblem,
  ManifestProblemKind,
  PresentFile,
} from "./evidence/check-manifest.ts";
export { checkManifest, describeManifestProblem } from "./evidence/check-manifest.ts";
export type {
  Checkpoint,
  CheckpointChain,
  CheckpointEscalation,
  CheckpointPosition,
  CheckpointState,
} from "./evidence/checkpoint.ts";
export { CHECKPOINT_FORMAT, checkpointSchema } from "./evidence/checkpoint.ts";
export type { EvidenceFileName } from "./evidence/index.ts";
export { EVIDENCE_FILES } from "./evidence/index.ts";
export type { CriterionDocument } from "./evidence/package-files.ts";
export { SIGNATURE_FILE, SUMMARY_FILE } from "./evidence/package-files.ts";
export type { MerkleSummary, PreviousPackage, SampleFile } from "./evidence/package-trust.ts";
export { sampleFileSchema } from "./evidence/package-trust.ts";
export type { EvidenceSummary, ManifestEntry } from "./evidence/summary.ts";
export { summarySchema } from "./evidence/summary.ts";
/** @public The iddio records a program reading an iddio home works with (docs/data-contract.md). */
export type { AuditEvent } from "./input/audit-event.ts";
/** @public */
export type { LifecycleRecord } from "./input/lifecycle-record.ts";
/** @public */
export type { Policy } from "./input/policy.ts";
export { policySchema, tokensFileSchema } from "./input/policy.ts";
export { GENERATOR } from "./version.ts";
export type { GoField } from "./wire/go-json.ts";
export { goMarshalStruct, goMarshalValue } from "./wire/go-json.ts";
export {
  COMMAND_EVENT_FIELDS,
  LIFECYCLE_KINDS,
  lifecycleFields,
  withOmittedHash,
} from "./wire/struct-order.ts";
