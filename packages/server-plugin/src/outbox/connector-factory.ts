import {
  type ConnectorDefinition,
  isConnectorDefinition,
  isConnectorError,
} from "@iddio-compliance/connector-sdk";
import type { ConnectorEntry } from "../config/resolve-config.ts";
import { ComplianceConfigError } from "../errors/config-error.ts";
import { ServerPluginError } from "../errors/server-plugin-error.ts";
import type { Logger } from "../host/logger.ts";
import type { OutboxConnector } from "./outbox-types.ts";

/** Builds connector instances from `compliance.connectors` (one per entry, same order). */
export type ConnectorFactory = (
  entries: readonly ConnectorEntry[],
  context: { logger: Logger; signal: AbortSignal },
) => Promise<OutboxConnector[]>;

/** Finds the definition a connector module exports (its default export, else any named one). */
async function importDefinition(type: string): Promise<ConnectorDefinition> {
  const specifier = `@iddio-compliance/connector-${type}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (cause) {
    throw new ServerPluginError(
      "CONNECTOR_UNAVAILABLE",
      `Connector type "${type}" needs the package ${specifier}, which cannot be loaded`,
      {
        subject: type,
        cause,
      },
    );
  }
  const found = [mod.default, ...Object.values(mod)].find(isConnectorDefinition);
  if (!found)
    throw new ServerPluginError("CONNECTOR_UNAVAILABLE", `${specifier} exports no connector definition`, {
      subject: type,
    });
  return found;
}

/**
 * A factory over known definitions (`{ vanta, drata, webhook }`); a type not listed is imported
 * from `@iddio-compliance/connector-<type>`. Each entry's keys are validated by its connector; a
 * bad key becomes a config error naming `compliance.connectors[i].<key>`.
 */
export function connectorFactory(
  definitions: Readonly<Record<string, ConnectorDefinition>> = {},
): ConnectorFactory {
  return async (entries, context) => {
    const out: OutboxConnector[] = [];
    for (const [i, entry] of entries.entries()) {
      const definition = definitions[entry.type] ?? (await importDefinition(entry.type));
      try {
        out.push(
          definition.create(entry.config, {
            name: entry.name,
            logger: context.logger,
            signal: context.signal,
          }),
        );
      } catch (error) {
        const message = isConnectorError(error) ? error.problem : (error as Error).message;
        throw new ComplianceConfigError([
          { path: `compliance.connectors[${i}]`, message: `${entry.type}: ${message}` },
        ]);
      }
    }
    return out;
  };
}
