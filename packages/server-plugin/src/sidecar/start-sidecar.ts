import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type Logger, silentLogger } from "@iddio-compliance/connector-sdk";
import { readServerConfigFile } from "@iddio-compliance/core";
import { followPostgres } from "@iddio-compliance/source-postgres";
import { createInProcessHost } from "../host/in-process-host.ts";
import { connectorFactory } from "../outbox/connector-factory.ts";
import {
  type CompliancePlugin,
  type CompliancePluginOptions,
  compliancePlugin,
} from "../plugin/compliance-plugin.ts";
import { formatTimestamp, systemClock } from "../util/clock.ts";
import { AuditTailer } from "./audit-tailer.ts";
import { HomeWatcher } from "./home-watcher.ts";
import { DEFAULT_LISTEN, parseListenAddress } from "./listen-address.ts";
import { startMetricsServer } from "./metrics-server.ts";
import { type PollLoop, startPollLoop } from "./poll-loop.ts";

/** Options of {@link startSidecar}; plugin options (exporter, connectors, s3, retry, …) pass through. */
export interface StartSidecarOptions extends CompliancePluginOptions {
  /** The iddio server config file (YAML). */
  configPath: string;
  /** Environment for `${VAR}` interpolation and defaults. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where the sidecar and the plugin log (secrets are redacted). @default silent */
  logger?: Logger;
  /** `host:port` of `/healthz` and `/metrics`. @default `compliance.listen`, else "127.0.0.1:9464" */
  listen?: string;
  /** Allows a non-loopback `listen` address. @default false */
  allowNonLoopback?: boolean;
  /** The iddio home watched for policy, token and certificate changes. @default the audit log's folder */
  home?: string;
  /** Polling interval of the audit log and the watched files, clamped to 100 ms … 60 s. @default 2000 */
  pollIntervalMs?: number;
  /** Reloads on SIGHUP, drains and closes on SIGTERM and SIGINT (a second one aborts the drain). @default true */
  handleSignals?: boolean;
}

/** A running sidecar. */
export interface Sidecar {
  /** Base URL of `/healthz` and `/metrics`. */
  readonly url: string;
  readonly plugin: CompliancePlugin;
  /** Stops polling, drains the plugin (the export in flight completes), closes the server. */
  close(reason?: string): Promise<void>;
  /** Resolves once closed (by `close()` or a signal). */
  readonly closed: Promise<void>;
  /** Re-reads the config file and fires `config:reload` (what SIGHUP does). */
  reload(): Promise<void>;
  /** Polls the audit log and the watched files once, now (tests; normally a timer does it). */
  pollNow(): Promise<void>;
}

/** Batches of new rows one poll of an organisation reads at most; the rest waits for the next poll. */
const MAX_BATCHES_PER_POLL = 20;

async function homeOf(auditLog: string): Promise<string> {
  try {
    return (await stat(auditLog)).isDirectory() ? auditLog : dirname(auditLog);
  } catch {
    return auditLog;
  }
}

/**
 * The sidecar behind `iddio-compliance serve --config server.yaml` (DESIGN §7.1): hosts the plugin
 * next to a running iddio, tails its audit log into `audit:append`, turns policy, token and
 * certificate changes into lifecycle hooks, reloads on SIGHUP, drains on SIGTERM and serves
 * `/healthz` and `/metrics` on a loopback port.
 */
export async function startSidecar(options: StartSidecarOptions): Promise<Sidecar> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const config = await readServerConfigFile(options.configPath);
  const host = createInProcessHost({ config, logger });
  const plugin = compliancePlugin({
    ...options,
    env,
    clock,
    configFile: options.configFile ?? options.configPath,
    connectors:
      options.connectors ?? connectorFactory({ from: [dirname(resolve(options.configPath)), process.cwd()] }),
  });
  await host.use(plugin);
  const resolved = plugin.config;
  const listen = parseListenAddress(
    options.listen ?? resolved?.listen ?? DEFAULT_LISTEN,
    options.allowNonLoopback,
  );
  const server = await startMetricsServer({
    ...listen,
    health: () => plugin.health(),
    metrics: () => plugin.metrics(),
  });

  const loops: PollLoop[] = [];
  let tailer: AuditTailer | undefined;
  try {
    await host.callHook("server:ready", { config });
  } catch (error) {
    await server.close();
    throw error;
  }
  if (resolved?.enabled) {
    const interval = options.pollIntervalMs ?? 2000;
    if (resolved.auditLog) {
      const t = new AuditTailer({
        source: resolved.auditLog,
        logger,
        onLines: (lines, file) => host.callHook("audit:append", { lines, file }),
      });
      tailer = t;
      loops.push(
        startPollLoop({ name: "audit log", poll: () => t.poll(), intervalMs: interval, clock, logger }),
      );
    }
    // A PostgreSQL source: each organisation's new rows, polled as a log file is tailed.
    for (const orgId of resolved.postgres?.orgIds ?? []) {
      const follower = followPostgres({ url: (resolved.postgres as { url: string }).url, orgId });
      loops.push(
        startPollLoop({
          name: `audit rows of ${orgId}`,
          poll: async () => {
            // A backlog is read in bounded batches, each handed on before the next is read.
            for (let batch = 0; batch < MAX_BATCHES_PER_POLL; batch++) {
              const { lines, segment } = await follower.poll();
              if (lines.length === 0) return;
              await host.callHook("audit:append", { lines, file: segment, org_id: orgId });
            }
          },
          intervalMs: interval,
          clock,
          logger,
        }),
      );
    }
    const home = options.home ?? (resolved.auditLog ? await homeOf(resolved.auditLog) : undefined);
    if (home) {
      const watcher = new HomeWatcher({
        home,
        baselinePath: join(resolved.stateDir, "sidecar-baseline.json"),
        now: () => formatTimestamp(clock.now()),
        logger,
        emit: (event) => host.callHook(event.hook, event.state as never),
      });
      loops.push(
        startPollLoop({
          name: "iddio home",
          poll: () => watcher.poll(),
          intervalMs: interval,
          clock,
          logger,
        }),
      );
    }
  }

  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let closing: Promise<void> | undefined;

  const reload = async (): Promise<void> => {
    let next: unknown;
    try {
      next = await readServerConfigFile(options.configPath);
    } catch (error) {
      logger.error("sidecar: config reload failed; the previous config stays in force", {
        error: (error as Error).message,
      });
      return;
    }
    await host.callHook("config:reload", { config: next });
  };
  const onHup = () => void reload();
  // A second SIGTERM/SIGINT while draining stops waiting: work in flight is aborted at once.
  const hurry = new AbortController();
  const onTerm = (signal: string) => {
    if (closing) {
      logger.warn("sidecar: second signal; aborting work in flight", { signal });
      hurry.abort(new Error(`${signal} received twice`));
    }
    void close(signal);
  };
  const close = (reason = "close()"): Promise<void> => {
    closing ??= (async () => {
      logger.info("sidecar: closing", { reason });
      for (const loop of loops) await loop.stop();
      try {
        await host.callHook("server:close", { reason, signal: hurry.signal });
      } finally {
        await tailer?.close();
        await server.close();
        if (options.handleSignals !== false) {
          process.off("SIGHUP", onHup);
          process.off("SIGTERM", onTerm);
          process.off("SIGINT", onTerm);
        }
        resolveClosed();
      }
    })();
    return closing;
  };
  if (options.handleSignals !== false) {
    process.on("SIGHUP", onHup);
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onTerm);
  }
  logger.info(`serving /healthz and /metrics on ${server.url}`, { url: server.url });
  return {
    url: server.url,
    plugin,
    close,
    closed,
    reload,
    pollNow: async () => {
      for (const loop of loops) await loop.pollNow();
    },
  };
}
