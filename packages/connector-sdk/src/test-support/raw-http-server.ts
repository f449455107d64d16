import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A loopback HTTP/1.1 server (RFC 9112) whose handler writes the answer byte by byte as it likes. */
export interface RawHttpServer {
  readonly url: string;
  /** Requests received so far. */
  readonly requests: number;
  /** Connections the client (or the handler) closed so far. */
  readonly closedConnections: number;
  close(): Promise<void>;
}

/**
 * Starts a node:http server on 127.0.0.1 (random port). `handle` gets the request number (from 1)
 * and may stall, trickle or drop the connection; the request body is read before it runs.
 */
export async function startRawHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse, request: number) => void,
): Promise<RawHttpServer> {
  const sockets = new Set<Socket>();
  let requests = 0;
  let closedConnections = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handle(req, res, ++requests));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      closedConnections++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get closedConnections() {
      return closedConnections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes `chunk` to `res` again and again (waiting for the socket to drain) until the connection
 * closes or `maxBytes` were written; resolves with the bytes written.
 */
export async function writeUntilClosed(
  res: ServerResponse,
  chunk: Uint8Array,
  maxBytes: number,
): Promise<number> {
  let written = 0;
  while (written < maxBytes && !res.destroyed && !res.socket?.destroyed) {
    written += chunk.byteLength;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  return written;
}
