import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A small HTTP server for `/healthz` (JSON) and `/metrics` (Prometheus text). */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  health(): { status: string };
  metrics(): string;
}): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (path === "/healthz") {
      const health = options.health();
      // Degraded is still serving (a liveness probe must not restart it): operators read the body or alert on /metrics.
      const serving = ["ok", "degraded", "disabled"].includes(health.status);
      res.writeHead(serving ? 200 : 503, {
        "content-type": "application/json",
      });
      res.end(`${JSON.stringify(health)}\n`);
    } else if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(options.metrics());
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port, family } = server.address() as AddressInfo;
  const host = family === "IPv6" ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
