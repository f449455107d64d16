import type { Logger } from "@iddio-compliance/connector-sdk";
import type { LifecycleHookStates } from "./lifecycle-hooks.ts";

/** State of `server:ready`: the server accepts traffic. */
export interface ServerReadyState {
  /** The server config in force. */
  config: unknown;
}
/** State of `server:close`: the server is shutting down; handlers are awaited. */
export interface ServerCloseState {
  /** Why the server closes (`SIGTERM`, `close()`, …). */
  reason: string;
  /** Aborted when the host stops waiting; work in flight must then stop and leave nothing half-written. */
  signal?: AbortSignal;
}
/** State of `config:reload`: the server re-read its config (SIGHUP). */
export interface ConfigReloadState {
  /** The whole new server config. */
  config: unknown;
}
/** State of `audit:append`: lines appended to the audit log, in order, without newlines. */
export interface AuditAppendState {
  lines: readonly string[];
  /** The log file the lines were read from, when known (for PostgreSQL, the organisation's segment). */
  file?: string;
  /** The organisation whose rows these are (a PostgreSQL source). */
  org_id?: string;
}

/** A hook handler: one state object in, awaited when it returns a promise. */
export type HookHandler<S> = (state: S) => void | Promise<void>;

/** Every hook the host offers: server lifecycle, audit appends and one per lifecycle kind (DESIGN §7.1). */
export type ServerHooks = {
  "server:ready": HookHandler<ServerReadyState>;
  "server:close": HookHandler<ServerCloseState>;
  "config:reload": HookHandler<ConfigReloadState>;
  "audit:append": HookHandler<AuditAppendState>;
} & { [K in keyof LifecycleHookStates]: HookHandler<LifecycleHookStates[K]> };

/** A hook name. */
export type ServerHookName = keyof ServerHooks;

/** The state object a hook receives. */
export type HookState<K extends ServerHookName> = Parameters<ServerHooks[K]>[0];

/** What an iddio server (or the sidecar) offers a plugin. */
export interface IddioServerHost {
  /** The whole server config; each plugin validates its own block. */
  readonly config: unknown;
  readonly logger: Logger;
  /** Registers a handler; returns the function that unregisters it. */
  hook<K extends ServerHookName>(name: K, fn: ServerHooks[K]): () => void;
}

/** A plugin of the iddio server (DESIGN §7.1). */
export interface IddioServerPlugin {
  name: string;
  version: string;
  setup(host: IddioServerHost): void | Promise<void>;
}
