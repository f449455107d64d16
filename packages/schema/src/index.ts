export type { ComplianceConfig, ConfigIssue, S3StorageConfig } from "./config/compliance-config.ts";
export {
  CRITERION_KEYS,
  complianceConfigSchema,
  connectorConfigSchema,
  parseComplianceConfig,
  s3StorageConfigSchema,
} from "./config/compliance-config.ts";
export type { StorageLocation } from "./config/config-rules.ts";
export {
  BUILT_IN_CONNECTORS,
  connectorTypeProblem,
  isOrgId,
  isTimeZone,
  ORG_ID_RULE,
  parseStorageLocation,
} from "./config/config-rules.ts";
export { formatKeyPath } from "./config/key-path.ts";
export type { IddioComplianceErrorOptions } from "./errors/iddio-compliance-error.ts";
export {
  IddioComplianceError,
  isIddioComplianceError,
  renderError,
} from "./errors/iddio-compliance-error.ts";
export type { AuditLogIntegrity, ChainFinding } from "./evidence/audit-log-integrity.ts";
export {
  auditLogIntegritySchema,
  chainFileSchema,
  chainFindingSchema,
  findingKind,
} from "./evidence/audit-log-integrity.ts";
export type { Cc61AccessControls } from "./evidence/cc6-1-access-controls.ts";
export { cc61AccessControlsSchema } from "./evidence/cc6-1-access-controls.ts";
export type { Cc62CredentialLifecycle } from "./evidence/cc6-2-credential-lifecycle.ts";
export { cc62CredentialLifecycleSchema } from "./evidence/cc6-2-credential-lifecycle.ts";
export type { Cc63AuthorizationChanges } from "./evidence/cc6-3-authorization-changes.ts";
export { cc63AuthorizationChangesSchema } from "./evidence/cc6-3-authorization-changes.ts";
export type { Cc72MonitoringEvidence } from "./evidence/cc7-2-monitoring-evidence.ts";
export { cc72MonitoringEvidenceSchema } from "./evidence/cc7-2-monitoring-evidence.ts";
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
export {
  CSV_LIST_FILES,
  DOCUMENT_NAMES,
  INTEGRITY_FINDINGS_CSV,
  listLocation,
  REASONS_CSV,
} from "./evidence/package-files.ts";
export type { MerkleSummary, PreviousPackage, SampleFile, SigningSummary } from "./evidence/package-trust.ts";
export { merkleSchema, previousSchema, sampleFileSchema, signingSchema } from "./evidence/package-trust.ts";
export type { EvidenceSummary, ManifestEntry } from "./evidence/summary.ts";
export { manifestEntrySchema, summarySchema } from "./evidence/summary.ts";
export type { AuditEvent } from "./input/audit-event.ts";
export { auditEventSchema, decisionSchema, protocolSchema, TIER_NAMES } from "./input/audit-event.ts";
export type { LifecycleRecord } from "./input/lifecycle-record.ts";
export { lifecycleRecordSchema } from "./input/lifecycle-record.ts";
export type { Policy } from "./input/policy.ts";
export { policyRuleSchema, policySchema, tokensFileSchema } from "./input/policy.ts";
export { renderJsonSchemas } from "./json-schema.ts";
export type { GoField } from "./wire/go-json.ts";
export { goMarshalStruct, goMarshalValue, goQuote } from "./wire/go-json.ts";
export {
  COMMAND_EVENT_FIELDS,
  LIFECYCLE_KINDS,
  lifecycleFields,
  withOmittedHash,
} from "./wire/struct-order.ts";
