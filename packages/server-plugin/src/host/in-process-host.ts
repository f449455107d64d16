import { type Logger, silentLogger } from "@iddio-compliance/connector-sdk";
import type { HookState, IddioServerHost, IddioServerPlugin, ServerHookName } from "./host-types.ts";

/** Options of {@link createInProcessHost}. */
export interface InProcessHostOptions {
  /** The whole server config handed to plugins. */
  config: unknown;
  /** Where plugins log. @default a logger that drops everything */
  logger?: Logger;
}

/** A host that runs plugins inside the embedding process; the embedder fires the hooks. */
export interface InProcessHost extends IddioServerHost {
  /** Runs a plugin's `setup` against this host. */
  use(plugin: IddioServerPlugin): Promise<void>;
  /**
   * Calls every handler of `name` in registration order and awaits each. All handlers run; the
   * first error is rethrown afterwards (an `AggregateError` when several failed). `config:reload`
   * also replaces `host.config`.
   */
  callHook<K extends ServerHookName>(name: K, state: HookState<K>): Promise<void>;
  /** Like {@link InProcessHost.callHook} without waiting; failures are logged. */
  emit<K extends ServerHookName>(name: K, state: HookState<K>): void;
}

/** Creates an in-process host for embedding the plugin and for tests (DESIGN §7.1). */
export function createInProcessHost(options: InProcessHostOptions): InProcessHost {
  const logger = options.logger ?? silentLogger;
  const handlers = new Map<ServerHookName, Array<(state: unknown) => void | Promise<void>>>();
  let config = options.config;

  const host: InProcessHost = {
    get config() {
      return config;
    },
    logger,
    hook(name, fn) {
      const list = handlers.get(name) ?? [];
      const handler = fn as (state: unknown) => void | Promise<void>;
      list.push(handler);
      handlers.set(name, list);
      return () => {
        const at = list.indexOf(handler);
        if (at !== -1) list.splice(at, 1);
      };
    },
    async use(plugin) {
      await plugin.setup(host);
    },
    async callHook(name, state) {
      if (name === "config:reload") config = (state as HookState<"config:reload">).config;
      const errors: unknown[] = [];
      for (const handler of [...(handlers.get(name) ?? [])]) {
        try {
          await handler(state);
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1)
        throw new AggregateError(errors, `${errors.length} handlers of "${name}" failed`);
    },
    emit(name, state) {
      host.callHook(name, state).catch((error: unknown) => {
        logger.error(`hook "${name}" failed`, { error: (error as Error).message });
      });
    },
  };
  return host;
}
