import { dirname, resolve } from "node:path";
import { drata } from "@iddio-compliance/connector-drata";
import { vanta } from "@iddio-compliance/connector-vanta";
import { webhook } from "@iddio-compliance/connector-webhook";
import { connectorFactory, type Logger, startSidecar } from "@iddio-compliance/server-plugin";
import type { CliIo, Command } from "../cli-io.ts";
import { parseFlags, required } from "../parse-flags.ts";
import { sanitizeTerminal } from "../terminal/sanitize.ts";
import { UsageError } from "../usage-error.ts";

export const SERVE_HELP = `Usage: iddio-compliance serve --config server.yaml [--listen HOST:PORT] [--verbose]

Runs the compliance plugin beside a running iddio (sidecar): tails and verifies the audit log,
turns policy, token and certificate changes into ledger records, exports on the schedule of
compliance.auto_export into file:// or s3:// storage (catching up missed periods), pushes to the
configured connectors through a persistent outbox, and serves /healthz and /metrics.

Options:
  --config FILE        the iddio server config with a compliance: block
  --listen HOST:PORT   address of /healthz and /metrics (default: compliance.listen, else 127.0.0.1:9464)
  --verbose            log debug lines too
  -h, --help           show this help

Signals: SIGHUP reloads the config; SIGTERM/SIGINT drain and exit: an export or push in flight
gets compliance.drain_timeout_seconds (default 30) to finish, then is aborted and stays owed or
pending; a second SIGTERM/SIGINT aborts it at once.

Exit codes: 0 stopped by a signal after draining; 2 usage or config error (nothing started).
`;

/** Writes one JSON log line per message on stderr (messages are sanitised for terminals). */
function stderrLogger(io: CliIo, verbose: boolean): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level,
      msg: sanitizeTerminal(message),
      ...fields,
    });
    io.stderr.write(`${line}\n`);
  };
  return {
    debug: verbose ? write("debug") : () => {},
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
  };
}

/** `iddio-compliance serve`. */
export const serveCommand: Command = async (argv, io) => {
  const { values } = parseFlags(argv, {
    config: { type: "string", short: "c" },
    listen: { type: "string" },
    verbose: { type: "boolean", default: false },
  });
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  const configPath = resolve(io.cwd, required(values.config, "--config"));
  const logger = stderrLogger(io, values.verbose);
  let sidecar: Awaited<ReturnType<typeof startSidecar>>;
  try {
    sidecar = await startSidecar({
      configPath,
      env: io.env,
      logger,
      connectors: connectorFactory({
        builtIns: { vanta, drata, webhook },
        from: [dirname(configPath), io.cwd],
        importFallback: (name) => import(name),
      }),
      ...(values.listen ? { listen: values.listen } : {}),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
    if (e.code === "EADDRINUSE" || e.code === "EACCES") {
      const flag = values.listen ? "--listen" : "compliance.listen";
      throw new UsageError(
        `${flag}: cannot listen on ${e.address ?? ""}:${e.port ?? ""} (${e.code === "EADDRINUSE" ? "address already in use" : "permission denied"})`,
      );
    }
    throw error;
  }
  await sidecar.closed;
  return 0;
};
