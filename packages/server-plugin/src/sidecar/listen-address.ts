import { isIP } from "node:net";
import { ServerPluginError } from "../errors/server-plugin-error.ts";

/** Where `/healthz` and `/metrics` listen by default: loopback only. */
export const DEFAULT_LISTEN = "127.0.0.1:9464";

/** Parses `host:port` (`[::1]:9464` for IPv6). Refuses a non-loopback host unless `allowNonLoopback`. */
export function parseListenAddress(value: string, allowNonLoopback = false): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const host = m?.[1] ?? m?.[2] ?? "";
  const port = Number(m?.[3]);
  if (!m || host === "" || port > 65_535) {
    throw new ServerPluginError(
      "CONFIG_INVALID",
      `compliance.listen: expected host:port, e.g. ${DEFAULT_LISTEN}`,
      { subject: "compliance.listen" },
    );
  }
  const loopback = host === "localhost" || (isIP(host) === 4 && host.startsWith("127.")) || host === "::1";
  if (!loopback && !allowNonLoopback) {
    throw new ServerPluginError(
      "LISTEN_NOT_LOOPBACK",
      `compliance.listen: "${host}" is not a loopback address; metrics are served on loopback only unless allowNonLoopback is set`,
      { subject: "compliance.listen" },
    );
  }
  return { host, port };
}
