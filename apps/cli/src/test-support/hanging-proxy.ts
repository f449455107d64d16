import { createServer, request, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A loopback HTTP proxy that can hold a matching request for ever (a stalled upload). */
export interface HangingProxy {
  /** Base URL of the proxy. */
  readonly url: string;
  /** Holds the next request whose method and path match, without forwarding or answering it. */
  hangNext(method: string, path: RegExp): void;
  /** Whether a request is being held now. */
  hanging(): boolean;
  close(): Promise<void>;
}

/**
 * Forwards every request to `target` unchanged (so signed S3 requests stay valid) except the one
 * {@link HangingProxy.hangNext} picks, which it keeps open: the client is then mid-upload.
 */
export async function startHangingProxy(target: string): Promise<HangingProxy> {
  const upstream = new URL(target);
  let next: { method: string; path: RegExp } | undefined;
  const held = new Set<Socket>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (next && req.method === next.method && next.path.test(path)) {
      next = undefined;
      held.add(req.socket);
      req.socket.once("close", () => held.delete(req.socket));
      req.resume();
      return;
    }
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hangNext(method, path) {
      next = { method, path };
    },
    hanging: () => held.size > 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
