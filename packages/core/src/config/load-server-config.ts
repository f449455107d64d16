import { readFile } from "node:fs/promises";
import { type ComplianceConfig, complianceConfigSchema, formatKeyPath } from "@iddio-compliance/schema";
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

/** Options of {@link parseServerConfig} and {@link loadServerConfig}. */
export interface ServerConfigOptions {
  /** Where `${VAR}` values come from. @default process.env */
  env?: Env;
  /** Shown in messages. @default the path given to loadServerConfig */
  file?: string;
}

/**
 * Parses the text of an iddio server config (YAML) and validates its `compliance:` block (DESIGN
 * §7.2): `${VAR}` is read from `env` (only inside the compliance block: the rest belongs to the iddio
 * server), then the block is checked with `complianceConfigSchema`. Every failure is a
 * {@link ServerConfigError} naming the file and key path.
 */
export function parseServerConfig(text: string, options: ServerConfigOptions = {}): ServerConfig {
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
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ServerConfigError("CONFIG_YAML_INVALID", `${where}${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  if (
    root === null ||
    typeof root !== "object" ||
    Array.isArray(root) ||
    !("compliance" in root) ||
    (root as Record<string, unknown>).compliance == null
  ) {
    throw new ServerConfigError("CONFIG_COMPLIANCE_MISSING", `${where}no compliance: block found`, {
      file,
      keyPath: "compliance",
    });
  }
  const block = interpolateEnv(
    shield.unshield((root as Record<string, unknown>).compliance),
    options.env ?? process.env,
    ["compliance"],
    file,
  );
  const parsed = complianceConfigSchema.safeParse(block);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => {
      const path = ["compliance", ...issue.path];
      if (issue.code === "unrecognized_keys")
        return `${formatKeyPath(path)}: unknown key(s) ${issue.keys.join(", ")}`;
      return `${formatKeyPath(path)}: ${issue.message}`;
    });
    const first = parsed.error.issues[0];
    throw new ServerConfigError("CONFIG_INVALID", `${where}${issues.join("; ")}`, {
      file,
      keyPath: formatKeyPath(["compliance", ...(first?.path ?? [])]),
      cause: parsed.error,
    });
  }
  return { file, compliance: parsed.data };
}

/** Reads a server config file and returns its validated `compliance:` block (see {@link parseServerConfig}). */
export async function loadServerConfig(
  path: string,
  options: ServerConfigOptions = {},
): Promise<ServerConfig> {
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
  return parseServerConfig(text, { ...options, file });
}
