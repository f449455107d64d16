import { resolve } from "node:path";
import { drata } from "@iddio-compliance/connector-drata";
import {
  type Connector,
  type ConnectorDefinition,
  collectSecrets,
  createRedactor,
  createStderrLogger,
  type EvidencePackage,
  isConnectorDefinition,
  isConnectorError,
  type Logger,
  loadEvidencePackage,
  silentLogger,
} from "@iddio-compliance/connector-sdk";
import { vanta } from "@iddio-compliance/connector-vanta";
import { webhook } from "@iddio-compliance/connector-webhook";
import { isServerConfigError, loadServerConfig } from "@iddio-compliance/core";
import { IddioComplianceError } from "@iddio-compliance/schema";
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

Output: one line per connector and file: connector, file, status, remote id (and link).
Built-in connector types: vanta, drata, webhook; any other type is imported as a package whose
default export is a connector made with defineConnector.

Exit codes: 0 every push succeeded; 1 a push failed; 2 usage, config or package error.
`;

const BUILT_IN: Record<string, ConnectorDefinition> = { vanta, drata, webhook };

/** A problem with the config or the package: exit 2. */
class InputError extends IddioComplianceError {
  constructor(message: string) {
    super("INPUT_INVALID", message);
  }
}

async function resolveDefinition(type: string, keyPath: string): Promise<ConnectorDefinition> {
  const builtIn = BUILT_IN[type];
  if (builtIn) return builtIn;
  let module: { default?: unknown };
  try {
    module = (await import(type)) as { default?: unknown };
  } catch (error) {
    throw new InputError(
      `${keyPath}.type: "${type}" is not a built-in connector (${Object.keys(BUILT_IN).join(", ")}) and could not be imported as a package: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (!isConnectorDefinition(module.default)) {
    throw new InputError(
      `${keyPath}.type: package "${type}" has no default export made with defineConnector from @iddio-compliance/connector-sdk`,
    );
  }
  return module.default;
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

  let compliance: Awaited<ReturnType<typeof loadServerConfig>>["compliance"];
  try {
    ({ compliance } = await loadServerConfig(resolve(io.cwd, configFile), { env: io.env, file: configFile }));
  } catch (error) {
    if (isServerConfigError(error)) throw new InputError(error.message);
    throw error;
  }
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

  let pkg: EvidencePackage;
  try {
    pkg = await loadEvidencePackage(resolve(io.cwd, positionals[0] as string));
  } catch (error) {
    if (isConnectorError(error)) throw new InputError(error.message);
    throw error;
  }

  const logger: Logger = /iddio-compliance|\*/.test(io.env.DEBUG ?? "")
    ? createStderrLogger(io.stderr)
    : silentLogger;
  const connectors: Connector[] = [];
  for (const { entry, keyPath } of selected) {
    const definition = await resolveDefinition(entry.type, keyPath);
    try {
      connectors.push(definition.create(entry, { logger }));
    } catch (error) {
      if (isConnectorError(error))
        throw new InputError(`${configFile}: ${keyPath}: ${redactor.redact(error.message)}`);
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
