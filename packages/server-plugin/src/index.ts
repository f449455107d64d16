export type { TailAlert } from "./audit/audit-tail-verifier.ts";
export { AuditTailVerifier } from "./audit/audit-tail-verifier.ts";
export type { CronSchedule } from "./config/cron-schedule.ts";
export { createCronSchedule } from "./config/cron-schedule.ts";
export type {
  ConnectorEntry,
  PeriodKind,
  ResolveConfigOptions,
  ResolvedAutoExport,
  ResolvedComplianceConfig,
} from "./config/resolve-config.ts";
export { resolveComplianceConfig } from "./config/resolve-config.ts";
export type { S3StorageConfig } from "./config/s3-config.ts";
export { s3StorageConfigSchema } from "./config/s3-config.ts";
export type { StorageTarget } from "./config/storage-url.ts";
export type { ServerPluginErrorCode } from "./errors/server-plugin-error.ts";
export { isServerPluginError, ServerPluginError } from "./errors/server-plugin-error.ts";
export type {
  AuditAppendState,
  ConfigReloadState,
  HookHandler,
  HookState,
  IddioServerHost,
  IddioServerPlugin,
  ServerCloseState,
  ServerHookName,
  ServerHooks,
  ServerReadyState,
} from "./host/host-types.ts";
export type { InProcessHost, InProcessHostOptions } from "./host/in-process-host.ts";
export { createInProcessHost } from "./host/in-process-host.ts";
export type {
  AgentCreatedState,
  AgentRemovedState,
  ApprovalState,
  CertState,
  JitIssuedState,
  LifecycleHookName,
  LifecycleHookStates,
  PolicyChangedState,
  ProxyState,
  SessionRecordedState,
  TokenRotatedState,
  TokenState,
} from "./host/lifecycle-hooks.ts";
export { LIFECYCLE_HOOKS, lifecycleKindOf } from "./host/lifecycle-hooks.ts";
export type { LedgerEntry, LedgerFinding } from "./ledger/ledger.ts";
export { Ledger } from "./ledger/ledger.ts";
export type { LedgerRecordInput } from "./ledger/ledger-record.ts";
export { encodeLedgerRecord, LEDGER_KINDS } from "./ledger/ledger-record.ts";
export type { PluginMetricsSnapshot } from "./metrics/plugin-metrics.ts";
export { renderMetrics } from "./metrics/plugin-metrics.ts";
export type { ConnectorFactory } from "./outbox/connector-factory.ts";
export { connectorFactory } from "./outbox/connector-factory.ts";
export type { DeliveredPush, OutboxConnector, PackageLoader, PendingPush } from "./outbox/outbox-types.ts";
export type { ResolveConnectorsOptions, ResolvedConnector } from "./outbox/resolve-connectors.ts";
export { resolveConnectors } from "./outbox/resolve-connectors.ts";
export type { CompliancePlugin, CompliancePluginOptions } from "./plugin/compliance-plugin.ts";
export { compliancePlugin } from "./plugin/compliance-plugin.ts";
export type { Exporter } from "./plugin/exporter.ts";
export { coreExporter } from "./plugin/exporter.ts";
export type { PluginHealth } from "./plugin/plugin-runtime.ts";
export type { ExportLease, ExportLock } from "./postgres/export-lock.ts";
export { postgresExportLock } from "./postgres/export-lock.ts";
export type { OrgsHealth } from "./postgres/org-runtimes.ts";
export type { Checkpoint, ExportState } from "./scheduler/export-state.ts";
export { DEFAULT_LISTEN } from "./sidecar/listen-address.ts";
export type { Sidecar, StartSidecarOptions } from "./sidecar/start-sidecar.ts";
export { startSidecar } from "./sidecar/start-sidecar.ts";
export { createStorage } from "./storage/create-storage.ts";
export type { EvidenceStorage, PackageCheck } from "./storage/evidence-storage.ts";
export { FileStorage } from "./storage/file-storage.ts";
export type { S3StorageOptions } from "./storage/s3-storage.ts";
export { S3Storage } from "./storage/s3-storage.ts";
export type { Clock, TimerHandle } from "./util/clock.ts";
export { systemClock } from "./util/clock.ts";
