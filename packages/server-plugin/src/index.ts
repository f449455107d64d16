export type {
  ConnectorEntry,
  PeriodKind,
  ResolvedAutoExport,
  ResolvedComplianceConfig,
} from "./config/resolve-config.ts";
export type { ServerPluginErrorCode } from "./errors/server-plugin-error.ts";
/** @public Errors with stable codes, recognised across copies of the package. */
export { isServerPluginError, ServerPluginError } from "./errors/server-plugin-error.ts";
/** @public The contract between the iddio server and a plugin (DESIGN §7.1): what a host implements. */
export type {
  HookState,
  IddioServerHost,
  IddioServerPlugin,
  ServerHookName,
  ServerHooks,
} from "./host/host-types.ts";
export type { InProcessHost, InProcessHostOptions } from "./host/in-process-host.ts";
export { createInProcessHost } from "./host/in-process-host.ts";
/** @public The lifecycle hooks a host calls, by name, with the state each receives. */
export type { LifecycleHookName, LifecycleHookStates } from "./host/lifecycle-hooks.ts";
export type { ConnectorFactory } from "./outbox/connector-factory.ts";
export { connectorFactory } from "./outbox/connector-factory.ts";
export type { ResolveConnectorsOptions, ResolvedConnector } from "./outbox/resolve-connectors.ts";
export { resolveConnectors } from "./outbox/resolve-connectors.ts";
export type { CompliancePlugin, CompliancePluginOptions } from "./plugin/compliance-plugin.ts";
export { compliancePlugin } from "./plugin/compliance-plugin.ts";
export type { PluginHealth } from "./plugin/plugin-runtime.ts";
export type { Sidecar, StartSidecarOptions } from "./sidecar/start-sidecar.ts";
export { startSidecar } from "./sidecar/start-sidecar.ts";
