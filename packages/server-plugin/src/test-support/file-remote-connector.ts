import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OutboxConnector } from "../outbox/outbox-types.ts";

/** What the remote side of {@link fileRemoteConnector} stored: one line per stored package. */
export function remoteStored(work: string, name: string): string[] {
  try {
    return readFileSync(join(work, `remote-${name}.log`), "utf8")
      .split("\n")
      .filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * A connector whose "platform" is a file in `work` that survives the pushing process being
 * killed: like the platform connectors, it looks before it writes (a package already stored is not
 * stored again), so a push repeated after a crash stores nothing twice. `hooks` run as the push
 * is sent and once the remote has stored it (kill points of the crash tests); the first
 * `failures` pushes fail with a retryable error.
 */
export function fileRemoteConnector(
  work: string,
  name: string,
  options: { failures?: number; onSend?(): void; onStored?(): void } = {},
): OutboxConnector {
  let failures = options.failures ?? 0;
  return {
    name,
    async push(pkg) {
      const period = (pkg as { summary: { period: { from: string; to: string } } }).summary.period;
      const key = `${period.from}_${period.to}`;
      options.onSend?.();
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error(`${name}: POST answered 503 Service Unavailable`), {
          code: "CONNECTOR_HTTP_503",
          retryable: true,
        });
      }
      if (!remoteStored(work, name).includes(key))
        appendFileSync(join(work, `remote-${name}.log`), `${key}\n`);
      options.onStored?.();
      return { connector: name, id: key };
    },
  };
}
