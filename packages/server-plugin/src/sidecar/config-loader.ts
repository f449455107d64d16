import { ServerPluginError } from "../errors/server-plugin-error.ts";

/** Reads the server config file with `${VAR}` interpolation from `env`; resolves the whole config object. */
export type ConfigLoader = (
  path: string,
  env: Readonly<Record<string, string | undefined>>,
) => Promise<unknown>;

/** `loadServerConfig` of `@iddio-compliance/core`, loaded on first use. */
export const coreConfigLoader: ConfigLoader = async (path, env) => {
  const core = (await import("@iddio-compliance/core")) as unknown as {
    loadServerConfig?: (
      path: string,
      options: { env: Readonly<Record<string, string | undefined>> },
    ) => Promise<unknown>;
  };
  if (typeof core.loadServerConfig !== "function") {
    throw new ServerPluginError(
      "CONFIG_LOADER_UNAVAILABLE",
      "@iddio-compliance/core does not export loadServerConfig",
    );
  }
  return core.loadServerConfig(path, { env });
};
