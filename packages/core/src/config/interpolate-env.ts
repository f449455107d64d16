import { formatKeyPath } from "@iddio-compliance/schema";
import { ServerConfigError } from "./server-config-error.ts";

/** Environment variables to read `${VAR}` from. */
export type Env = Readonly<Record<string, string | undefined>>;

const REFERENCE = /\$\$\{|\$\{([^}]*)\}?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function interpolateString(
  text: string,
  env: Env,
  path: ReadonlyArray<PropertyKey>,
  file: string | undefined,
): string {
  return text.replace(REFERENCE, (match, name: string | undefined) => {
    if (match === "$${") return "${";
    const keyPath = formatKeyPath(path);
    if (!match.endsWith("}") || name === undefined || !NAME.test(name)) {
      throw new ServerConfigError(
        "CONFIG_INVALID",
        `${file ? `${file}: ` : ""}${keyPath}: "${match}" is not a valid \${VAR} reference`,
        { file, keyPath },
      );
    }
    const value = env[name];
    if (value === undefined) {
      throw new ServerConfigError(
        "CONFIG_ENV_MISSING",
        `${file ? `${file}: ` : ""}environment variable ${name} is not set (used at ${keyPath})`,
        {
          file,
          keyPath,
          variable: name,
        },
      );
    }
    return value;
  });
}

/**
 * Replaces `${VAR}` in every string value of `value` (at any depth) with `env.VAR`; `$${` stands for a
 * literal `${`. Keys are never interpolated, and values are substituted after YAML parsing, so a
 * secret containing `:` or a newline cannot change the document's structure. A variable that is not
 * set throws `CONFIG_ENV_MISSING` naming it and the key path. `path` is the key path of `value`.
 */
export function interpolateEnv(
  value: unknown,
  env: Env,
  path: ReadonlyArray<PropertyKey> = [],
  file?: string,
): unknown {
  if (typeof value === "string") return interpolateString(value, env, path, file);
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, env, [...path, index], file));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = interpolateEnv(item, env, [...path, key], file);
    return out;
  }
  return value;
}

/**
 * YAML reads `{` as the start of a flow mapping, so `{ api_key: ${KEY} }` does not parse. Before
 * parsing, each `${…}` (and `$${`) in the text is swapped for an inert placeholder; `unshield` puts
 * the references back into the parsed values, which {@link interpolateEnv} then resolves. The
 * environment's values never pass through the YAML parser.
 */
export function shieldEnvReferences(text: string): { text: string; unshield: (value: unknown) => unknown } {
  const nonce = Math.random().toString(36).slice(2, 10);
  const originals: string[] = [];
  const shielded = text.replace(/\$\$\{|\$\{[^}\n]*\}/g, (match) => {
    originals.push(match);
    return `__iddio_env_${nonce}_${originals.length - 1}__`;
  });
  const placeholder = new RegExp(`__iddio_env_${nonce}_(\\d+)__`, "g");
  const restore = (s: string): string =>
    s.replace(placeholder, (_, index: string) => originals[Number(index)] ?? "");
  const unshield = (value: unknown): unknown => {
    if (typeof value === "string") return restore(value);
    if (Array.isArray(value)) return value.map(unshield);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [restore(key), unshield(item)]));
    }
    return value;
  };
  return { text: shielded, unshield };
}
