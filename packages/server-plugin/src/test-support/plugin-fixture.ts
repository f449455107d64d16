import { mkdirSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createInProcessHost, type InProcessHost } from "../host/in-process-host.ts";
import type { OutboxConnector } from "../outbox/outbox-types.ts";
import {
  type CompliancePlugin,
  type CompliancePluginOptions,
  compliancePlugin,
} from "../plugin/compliance-plugin.ts";
import type { ExportState } from "../scheduler/export-state.ts";
import { captureLogger } from "./capture-logger.ts";

/** A server config with auto export to `file://<dir>/store/` and state in `<dir>/state`. */
export function serverConfig(
  dir: string,
  compliance: Record<string, unknown> = {},
  autoExport: Record<string, unknown> = {},
) {
  // The source exists (an empty home): a missing one fails the plugin's health, as it should.
  mkdirSync(join(dir, "home"), { recursive: true });
  return {
    server: { listen: ":6443" },
    compliance: {
      state_dir: join(dir, "state"),
      source: { audit_log: join(dir, "home") },
      auto_export: {
        enabled: true,
        schedule: "0 0 1 * *",
        storage: `${pathToFileURL(join(dir, "store")).href}/`,
        ...autoExport,
      },
      ...compliance,
    },
  };
}

/** Writes the scheduler state as a previous run would have left it. */
export async function seedState(dir: string, state: Partial<ExportState>): Promise<void> {
  await mkdir(join(dir, "state"), { recursive: true });
  const full: ExportState = {
    version: 1,
    initialized_at: "2025-11-01T00:00:00.000Z",
    last_completed: null,
    checkpoint: null,
    last_success_at: null,
    last_duration_ms: null,
    ...state,
  };
  await writeFile(join(dir, "state", "export-state.json"), JSON.stringify(full));
}

/** Ledger records (parsed) in file order. */
export async function ledgerRecords(dir: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(dir, "state", "ledger.jsonl"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Sets up the plugin on an in-process host, fires `server:ready` and waits until it is idle. */
export async function startPlugin(
  config: unknown,
  options: CompliancePluginOptions & { connectorList?: OutboxConnector[]; waitIdle?: boolean },
): Promise<{
  host: InProcessHost;
  plugin: CompliancePlugin;
  logger: ReturnType<typeof captureLogger>;
  close(signal?: AbortSignal): Promise<void>;
}> {
  const logger = captureLogger();
  const host = createInProcessHost({ config, logger });
  const plugin = compliancePlugin({
    retry: { baseMs: 1000, maxMs: 8000 },
    ...(options.connectorList ? { connectors: async () => options.connectorList ?? [] } : {}),
    ...options,
  });
  await host.use(plugin);
  await host.callHook("server:ready", { config });
  if (options.waitIdle !== false) await plugin.whenIdle();
  return {
    host,
    plugin,
    logger,
    close: (signal) => host.callHook("server:close", { reason: "test", ...(signal ? { signal } : {}) }),
  };
}
