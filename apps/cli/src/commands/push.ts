import { dirname, resolve } from "node:path";
import { drata } from "@iddio-compliance/connector-drata";
import {
  type Connector,
  collectSecrets,
  createRedactor,
  createStderrLogger,
  type EvidencePackage,
  isConnectorError,
  type Logger,
  loadEvidencePackage,
  silentLogger,
} from "@iddio-compliance/connector-sdk";
import { vanta } from "@iddio-compliance/connector-vanta";
import { webhook } from "@iddio-compliance/connector-webhook";
import { loadServerConfig } from "@iddio-compliance/core";
import { IddioComplianceError } from "@iddio-compliance/schema";
import { resolveConnectors } from "@iddio-compliance/server-plugin";
import type { CliIo, Command } from "../cli-io.ts";
import { parseFlags } from "../parse-flags.ts";
import { sanitizeTerminal } from "../terminal/sanitize.ts";
import { UsageError } from "../usage-error.ts";

export const PUSH_HELP = `Usage: iddio-compliance push DIR --config FILE [--connector NAME] [--dry-run]

Pushes an evidence package to the connectors listed under compliance.connectors in an iddio server
config (\${VAR} is read from the environment). The package is checked against its manifest first;
a package that does not match is never sent.

Options:
  --config FILE      iddio server config with a compliance: block (required)
  --connector NAME   push only to the connector whose name or type is NAME
  --dry-run          print what would be sent to each connector, without any network access
  -h, --help         show this help

Output: one line per connector and file: connector, file, status, remote id (and link).
Built-in connector types: vanta, drata, webhook. Any other type is an npm package name whose
default export is a connector made with defineConnector, installed beside the config file (or in
the working directory); URLs, data:/file: specifiers and paths are refused.

Exit codes: 0 every push succeeded; 1 a push failed; 2 usage or config error, or a package
that does not match its manifest (nothing is sent).
`;

/** A problem with the config or the package: exit 2. */
class InputError extends IddioComplianceError {
  constructor(message: string) {
    super("INPUT_INVALID", message);
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      config: { type: "string" },
      connector: { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
    true,
  );
  if (values.help) {
    io.stdout.write(PUSH_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("push takes exactly one package folder (DIR)");
  if (typeof values.config !== "string" || values.config === "")
    throw new UsageError("missing required flag --config");
  const configFile = values.config;

  // The one config pipeline (shared with serve and the plugin): strict, errors name file and key.
  const { compliance } = await loadServerConfig(resolve(io.cwd, configFile), {
    env: io.env,
    file: configFile,
  });
  const entries = compliance.connectors.map((entry, index) => ({
    entry,
    keyPath: `compliance.connectors[${index}]`,
  }));
  const redactor = createRedactor(collectSecrets(compliance.connectors));
  if (entries.length === 0)
    throw new InputError(`${configFile}: compliance.connectors is empty: nothing to push to`);
  const only = values.connector;
  const selected =
    only === undefined ? entries : entries.filter(({ entry }) => entry.name === only || entry.type === only);
  if (selected.length === 0) {
    const known = entries.map(({ entry }) => entry.name ?? entry.type).join(", ");
    throw new UsageError(
      `--connector ${only} matches no name or type in compliance.connectors of ${configFile} (configured: ${known})`,
    );
  }

  const pkg: EvidencePackage = await loadEvidencePackage(resolve(io.cwd, positionals[0] as string));

  const logger: Logger = /iddio-compliance|\*/.test(io.env.DEBUG ?? "")
    ? createStderrLogger(io.stderr)
    : silentLogger;
  // The one connector loader (shared with serve and the plugin): built-ins, then packages from
  // the config file's folder and the working directory, then the CLI's own dependencies.
  const resolved = await resolveConnectors(
    selected.map(({ entry }) => ({ type: entry.type, name: entry.name ?? entry.type, config: entry })),
    {
      builtIns: { vanta, drata, webhook },
      from: [dirname(resolve(io.cwd, configFile)), io.cwd],
      importFallback: (name) => import(name),
    },
  );
  const connectors: Connector[] = [];
  for (const [i, { definition, entry }] of resolved.entries()) {
    try {
      connectors.push(definition.create(entry.config, { logger }));
    } catch (error) {
      if (isConnectorError(error))
        throw new InputError(`${configFile}: ${selected[i]?.keyPath}: ${redactor.redact(error.message)}`);
      throw error;
    }
  }

  const out = (line: string) => io.stdout.write(`${sanitizeTerminal(redactor.redact(line))}\n`);
  const err = (line: string) => io.stderr.write(`${sanitizeTerminal(redactor.redact(line))}\n`);

  if (values["dry-run"]) {
    for (const connector of connectors) {
      const plan = connector.plan(pkg);
      for (const file of plan.files) out(`${connector.name}\t${file.file}\twould send\t${file.target}`);
      for (const skip of plan.skipped) out(`${connector.name}\t${skip.file}\tskipped\t${skip.reason}`);
    }
    err(`dry run: nothing was sent (${pkg.files.length} files, package sha256 ${pkg.sha256})`);
    return 0;
  }

  let failed = 0;
  for (const connector of connectors) {
    try {
      const receipt = await connector.push(pkg);
      for (const file of receipt.files)
        out(
          `${connector.name}\t${file.file}\t${file.status}\t${file.remote_id}${file.url ? `\t${file.url}` : ""}`,
        );
      for (const skip of receipt.skipped) out(`${connector.name}\t${skip.file}\tskipped\t${skip.reason}`);
    } catch (error) {
      failed++;
      const message = isConnectorError(error)
        ? `${error.code}${error.retryable ? " (retryable)" : ""}: ${error.message}`
        : String(error);
      err(`${connector.name}\tFAILED\t${message}`);
    } finally {
      await connector.dispose().catch(() => {});
    }
  }
  if (failed) err(`${failed} of ${connectors.length} connector(s) failed`);
  return failed ? 1 : 0;
}

/** `iddio-compliance push DIR --config FILE [--connector NAME] [--dry-run]`. */
export const pushCommand: Command = run;
