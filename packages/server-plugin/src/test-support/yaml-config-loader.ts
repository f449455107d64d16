import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import type { ConfigLoader } from "../sidecar/config-loader.ts";

/** A stand-in for core's loadServerConfig in tests: YAML with `${VAR}` from env (missing → error naming it). */
export const yamlConfigLoader: ConfigLoader = async (path, env) => {
  const text = (await readFile(path, "utf8")).replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`${path}: environment variable ${name} is not set`);
    return value;
  });
  return parse(text) as unknown;
};
