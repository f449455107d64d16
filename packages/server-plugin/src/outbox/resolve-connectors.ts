import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type ConnectorDefinition, isConnectorDefinition } from "@iddio-compliance/connector-sdk";
import { BUILT_IN_CONNECTORS, connectorTypeProblem } from "@iddio-compliance/schema";
import type { ConnectorEntry } from "../config/resolve-config.ts";
import { ServerPluginError } from "../errors/server-plugin-error.ts";

/** Options of {@link resolveConnectors}. */
export interface ResolveConnectorsOptions {
  /**
   * Folders a connector package is looked up from, in order: the config file's folder, then the
   * working directory (their `node_modules`, and those of their parents).
   */
  from: readonly string[];
  /** Definitions of the built-in types the host ships (the CLI passes `vanta`, `drata`, `webhook`). */
  builtIns?: Readonly<Record<string, ConnectorDefinition>>;
  /**
   * Last resort for a package found in none of `from`: the host's own dependencies (the CLI
   * passes `(name) => import(name)`, resolved from its install).
   */
  importFallback?: (name: string) => Promise<unknown>;
}

/** A connector entry with the definition that creates it. */
export interface ResolvedConnector {
  entry: ConnectorEntry;
  definition: ConnectorDefinition;
}

/**
 * The one connector loader, used by `push`, `serve` and the in-process host: each entry's `type`
 * is a built-in name (`vanta`, `drata`, `webhook`, whose package is
 * `@iddio-compliance/connector-<type>`) or an npm package name whose default (or any) export is
 * a connector made with `defineConnector`. A package is resolved from `options.from` first, then
 * from the host's own dependencies. A `type` that is a URL, a `data:`/`file:` specifier or a path
 * is refused before anything is imported; a package that cannot be found is an error naming it,
 * the folders looked in and the install command.
 */
export async function resolveConnectors(
  entries: readonly ConnectorEntry[],
  options: ResolveConnectorsOptions,
): Promise<ResolvedConnector[]> {
  const out: ResolvedConnector[] = [];
  for (const [i, entry] of entries.entries()) {
    const subject = `compliance.connectors[${i}].type`;
    const problem = connectorTypeProblem(entry.type);
    if (problem) throw new ServerPluginError("CONNECTOR_UNAVAILABLE", `${subject}: ${problem}`, { subject });
    const builtIn = options.builtIns?.[entry.type];
    if (builtIn) {
      out.push({ entry, definition: builtIn });
      continue;
    }
    const name = (BUILT_IN_CONNECTORS as readonly string[]).includes(entry.type)
      ? `@iddio-compliance/connector-${entry.type}`
      : entry.type;
    out.push({ entry, definition: await loadDefinition(name, subject, options) });
  }
  return out;
}

async function loadDefinition(
  name: string,
  subject: string,
  options: ResolveConnectorsOptions,
): Promise<ConnectorDefinition> {
  const folders = [...new Set(options.from.map((f) => resolve(f)))];
  let module: Record<string, unknown> | undefined;
  let failure: unknown;
  for (const folder of folders) {
    const entryFile = findPackageEntry(name, folder);
    if (!entryFile) continue;
    try {
      module = (await import(pathToFileURL(entryFile).href)) as Record<string, unknown>;
    } catch (error) {
      failure = error;
    }
    break;
  }
  if (!module && failure === undefined && options.importFallback) {
    try {
      module = (await options.importFallback(name)) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") failure = error;
    }
  }
  if (!module) {
    const where = folders.map((f) => join(f, "node_modules")).join(", ");
    const message =
      failure === undefined
        ? `${subject}: connector package "${name}" is not installed (looked in ${where}${options.importFallback ? " and the CLI's own dependencies" : ""}); install it beside the config file: npm install ${name}`
        : `${subject}: connector package "${name}" could not be loaded: ${(failure as Error).message.split("\n")[0]}`;
    throw new ServerPluginError("CONNECTOR_UNAVAILABLE", message, { subject, cause: failure });
  }
  const found = [module.default, ...Object.values(module)].find(isConnectorDefinition);
  if (!found)
    throw new ServerPluginError(
      "CONNECTOR_UNAVAILABLE",
      `${subject}: package "${name}" exports no connector made with defineConnector from @iddio-compliance/connector-sdk`,
      { subject },
    );
  return found;
}

/**
 * The file `import(name)` would load for a module resolved from `folder`: the nearest
 * `node_modules/<name>` up the tree, through its `exports` (`import`, then `node`, then
 * `default` conditions) or `main`. `undefined` when no such package is installed there.
 */
function findPackageEntry(name: string, folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    const root = join(dir, "node_modules", name);
    const manifest = join(root, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { exports?: unknown; main?: string };
      const target = exportTarget(pkg.exports) ?? pkg.main ?? "index.js";
      return join(root, target);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === "string") return exports;
  if (exports === null || typeof exports !== "object" || Array.isArray(exports)) return undefined;
  const map = exports as Record<string, unknown>;
  if ("." in map) return exportTarget(map["."]);
  for (const condition of ["import", "node", "default"])
    if (condition in map) {
      const target = exportTarget(map[condition]);
      if (target) return target;
    }
  return undefined;
}
