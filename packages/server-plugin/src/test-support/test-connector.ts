import type { OutboxConnector } from "../outbox/outbox-types.ts";

/** A connector that records every push; it fails the first `failures` pushes with a retryable error. */
export function testConnector(
  name: string,
  options: { failures?: number; pushes?: string[] } = {},
): OutboxConnector & { pushes: string[] } {
  const pushes = options.pushes ?? [];
  let failures = options.failures ?? 0;
  return {
    name,
    pushes,
    async push(pkg) {
      const period = (pkg as { summary: { period: { from: string; to: string } } }).summary.period;
      if (failures > 0) {
        failures--;
        throw Object.assign(
          new Error(`${name}: POST https://grc.example/upload answered 503 Service Unavailable`),
          {
            code: "CONNECTOR_HTTP_503",
            retryable: true,
          },
        );
      }
      pushes.push(`${period.from}_${period.to}`);
      return { connector: name, pushed_at: "2026-04-01T00:00:00Z" };
    },
  };
}
