import type { Logger } from "@iddio-compliance/connector-sdk";
import { isConnectorError } from "@iddio-compliance/connector-sdk";
import { ServerConfigError } from "@iddio-compliance/core";
import type { ConnectorEntry } from "../config/resolve-config.ts";
import type { OutboxConnector } from "./outbox-types.ts";
import { type ResolveConnectorsOptions, resolveConnectors } from "./resolve-connectors.ts";

/** Builds connector instances from `compliance.connectors` (one per entry, same order). */
export type ConnectorFactory = (
  entries: readonly ConnectorEntry[],
  context: { logger: Logger; signal: AbortSignal },
) => Promise<OutboxConnector[]>;

/**
 * A factory over the one connector loader ({@link resolveConnectors}): each entry's definition
 * is resolved, then created with its config; a bad key becomes a config error naming
 * `compliance.connectors[i]`.
 */
export function connectorFactory(options: Partial<ResolveConnectorsOptions> = {}): ConnectorFactory {
  return async (entries, context) => {
    const resolved = await resolveConnectors(entries, { from: [process.cwd()], ...options });
    return resolved.map(({ entry, definition }, i) => {
      try {
        return definition.create(entry.config, {
          name: entry.name,
          logger: context.logger,
          signal: context.signal,
        });
      } catch (error) {
        const path = `compliance.connectors[${i}]`;
        const message = `${entry.type}: ${isConnectorError(error) ? error.problem : (error as Error).message}`;
        throw new ServerConfigError("CONFIG_INVALID", `${path}: ${message}`, {
          keyPath: path,
          issues: [{ path, message }],
        });
      }
    });
  };
}
