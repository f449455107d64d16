import { readFile } from "node:fs/promises";
import { type ComplianceConfig, parseComplianceConfig } from "@iddio-compliance/schema";
import { LineCounter, parseDocument } from "yaml";
import { type Env, interpolateEnv, shieldEnvReferences } from "./interpolate-env.ts";
import { ServerConfigError } from "./server-config-error.ts";

/** The parts of an iddio server config this project reads. */
export interface ServerConfig {
  /** The file it was read from, when it came from a file. */
  file: string | undefined;
  /** The validated `compliance:` block, `${VAR}` resolved and defaults filled. */
  compliance: ComplianceConfig;
}

/** Options of the server config functions. */
export interface ServerConfigOptions {
  /** Where `${VAR}` values come from. @default process.env */
  env?: Env;
  /** Shown in messages. @default the path given to loadServerConfig */
  file?: string;
}

/**
 * Parses the text of a server config (YAML) into its document, `${VAR}` references kept as
 * written (they are resolved only inside the `compliance:` block, by {@link parseServerConfigObject}).
 * A YAML mistake is a {@link ServerConfigError} naming the file, line and column.
 */
function parseServerConfigText(text: string, options: { file?: string | undefined } = {}): unknown {
  const file = options.file;
  const where = file ? `${file}: ` : "";
  const shield = shieldEnvReferences(text);
  const lineCounter = new LineCounter();
  const doc = parseDocument(shield.text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const yamlError = doc.errors[0];
  if (yamlError) {
    // Shielding never adds or removes a line, so the line number is the author's.
    const pos = lineCounter.linePos(yamlError.pos[0]);
    throw new ServerConfigError(
      "CONFIG_YAML_INVALID",
      `${where}${pos ? `line ${pos.line}, column ${pos.col}: ` : ""}${yamlError.message.split("\n")[0]}`,
      { file, cause: yamlError },
    );
  }
  try {
    return shield.unshield(doc.toJS({ maxAliasCount: 100 }));
  } catch (error) {
    throw new ServerConfigError("CONFIG_YAML_INVALID", `${where}${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
}

/** Reads a server config file into its document (see {@link parseServerConfigText}). */
export async function readServerConfigFile(path: string, options: { file?: string } = {}): Promise<unknown> {
  const file = options.file ?? path;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ServerConfigError(
      code === "ENOENT" ? "CONFIG_NOT_FOUND" : "CONFIG_UNREADABLE",
      code === "ENOENT"
        ? `config file ${file} does not exist`
        : `cannot read config file ${file}: ${code ?? String(error)}`,
      { file, cause: error },
    );
  }
  return parseServerConfigText(text, { file });
}

/**
 * The one pipeline from a server config document to its validated `compliance:` block (DESIGN
 * §7.2), used by `push`, `serve`, the in-process host and the tests: `${VAR}` is resolved from
 * `env` inside the block only (the rest belongs to the iddio server), then the block is parsed by
 * the schema's strict `parseComplianceConfig`. Every failure is a {@link ServerConfigError}
 * naming the file and every bad key path (with a suggestion for a misspelled key).
 */
export function parseServerConfigObject(root: unknown, options: ServerConfigOptions = {}): ServerConfig {
  const file = options.file;
  const where = file ? `${file}: ` : "";
  if (
    root === null ||
    typeof root !== "object" ||
    Array.isArray(root) ||
    (root as Record<string, unknown>).compliance == null
  ) {
    throw new ServerConfigError("CONFIG_COMPLIANCE_MISSING", `${where}no compliance: block found`, {
      file,
      keyPath: "compliance",
    });
  }
  const block = interpolateEnv(
    (root as Record<string, unknown>).compliance,
    options.env ?? process.env,
    ["compliance"],
    file,
  );
  const parsed = parseComplianceConfig(block);
  if (!parsed.success) {
    const shown = parsed.issues.slice(0, 50).map((i) => `${i.path}: ${i.message}`);
    const more =
      parsed.issues.length > shown.length ? `; and ${parsed.issues.length - shown.length} more` : "";
    throw new ServerConfigError("CONFIG_INVALID", `${where}${shown.join("; ")}${more}`, {
      file,
      keyPath: parsed.issues[0]?.path,
      issues: parsed.issues,
    });
  }
  return { file, compliance: parsed.data };
}

/** Parses the text of a server config and validates its `compliance:` block (see {@link parseServerConfigObject}). */
export function parseServerConfig(text: string, options: ServerConfigOptions = {}): ServerConfig {
  return parseServerConfigObject(parseServerConfigText(text, { file: options.file }), options);
}

/** Reads a server config file and returns its validated `compliance:` block (see {@link parseServerConfigObject}). */
export async function loadServerConfig(
  path: string,
  options: ServerConfigOptions = {},
): Promise<ServerConfig> {
  const file = options.file ?? path;
  return parseServerConfigObject(await readServerConfigFile(path, { file }), { ...options, file });
}
