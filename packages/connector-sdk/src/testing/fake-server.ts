import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** "The next `times` requests to `path` answer `status` with `headers`": one injected failure. */
export interface Fault {
  /** Only requests with this method. @default any method */
  method?: string;
  /** Only requests whose path (no query) equals this string or matches this pattern. @default any path */
  path?: string | RegExp;
  /** Status to answer. @default 503, or 200 with `stall` */
  status?: number;
  /** Headers of the answer, e.g. `{ "retry-after": "7" }`. */
  headers?: Record<string, string>;
  /** Body of the answer. @default a JSON error body */
  body?: string;
  /** How many matching requests the fault answers before it is used up. @default 1 */
  times?: number;
  /** How many matching requests pass untouched before the fault applies (to fault the third upload). @default 0 */
  skip?: number;
  /** Never answer (until the server closes): for timeout and abort cases. */
  hang?: boolean;
  /** Drop the connection without answering: a network error. */
  reset?: boolean;
  /**
   * Send the status (default 200), the headers and the first byte of a body, then never finish it:
   * for the deadline that must cover the body, not only the headers.
   */
  stall?: boolean;
  /**
   * Let the handler process the request first, so whatever it stores stays stored, then answer with
   * the fault anyway (a status, `reset` or `hang`): the write landed but the client cannot know it.
   */
  commit?: boolean;
}

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string including `?`, or empty. */
  query: string;
  /** Lowercased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Status answered; `undefined` while hanging or when the connection was dropped. */
  status: number | undefined;
  /** Whether an injected fault answered it instead of the handler. */
  faulted: boolean;
}

/**
 * The small standard interface the conformance kit drives. Implement it for your own fake, or get it
 * for free from {@link createFakeServer}.
 */
export interface FakeServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Queues a fault; faults apply in the order they were injected. */
  inject(fault: Fault): void;
  /** Removes every queued fault. */
  clearFaults(): void;
  /** Every request received, in order. */
  requests(): readonly RecordedRequest[];
  /** One entry (the file name) per file copy stored remotely: a duplicate appears twice. */
  storedFiles(): readonly string[];
  close(): Promise<void>;
}

/** A request as your handler sees it: body already read. */
export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Your handler's answer. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as is. */
  body?: string | Uint8Array;
}

/** What {@link createFakeServer} needs from you: the platform's contract, and what it stored. */
export interface FakeServerOptions {
  /** Answers one request the way the real API would (validate auth, paths, bodies; reject malformed requests). */
  handle(request: FakeRequest): FakeResponse | Promise<FakeResponse>;
  /** File names stored so far, one entry per stored copy. */
  storedFiles(): readonly string[];
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Whether a request with `method` and `path` (no query) is one `fault` targets. */
export function matches(fault: Pick<Fault, "method" | "path">, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method) return false;
  if (fault.path === undefined) return true;
  return typeof fault.path === "string" ? fault.path === path : fault.path.test(path);
}

function send(res: ServerResponse, response: FakeResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let body: string | Uint8Array = "";
  if (response.json !== undefined) {
    body = JSON.stringify(response.json);
    headers["content-type"] ??= "application/json";
  } else if (response.body !== undefined) {
    body = response.body;
  }
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Starts a node:http server on 127.0.0.1 (random port) that records requests, applies injected faults
 * and otherwise answers with your handler. A handler that throws answers 500.
 */
export async function createFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  const faults: Array<Fault & { left: number; pass: number }> = [];
  const log: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const answer = async (
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<FakeResponse> => {
    try {
      return await options.handle({ method, url, headers, body });
    } catch (error) {
      return { status: 500, json: { error: `fake server handler failed: ${(error as Error).message}` } };
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", () => {});
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const method = (req.method ?? "GET").toUpperCase();
        const entry: RecordedRequest = {
          method,
          path: url.pathname,
          query: url.search,
          headers: flatten(req.headers),
          status: undefined,
          faulted: false,
        };
        log.push(entry);
        const fault = faults.find(
          (candidate) => candidate.left > 0 && matches(candidate, method, url.pathname),
        );
        if (fault && fault.pass > 0) fault.pass--;
        else if (fault) {
          fault.left--;
          entry.faulted = true;
          if (fault.commit) await answer(method, url, req.headers, Buffer.concat(chunks));
          if (fault.hang) return;
          if (fault.reset) {
            req.socket.destroy();
            return;
          }
          if (fault.stall) {
            entry.status = fault.status ?? 200;
            res.writeHead(entry.status, {
              "content-type": "application/json",
              "content-length": "1024",
              ...fault.headers,
            });
            res.write("{");
            return;
          }
          entry.status = fault.status ?? 503;
          send(res, {
            status: entry.status,
            headers: fault.headers ?? {},
            ...(fault.body !== undefined
              ? { body: fault.body }
              : { json: { error: "injected fault", statusCode: entry.status } }),
          });
          return;
        }
        const response = await answer(method, url, req.headers, Buffer.concat(chunks));
        entry.status = response.status;
        send(res, response);
      })();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1, pass: fault.skip ?? 0 });
    },
    clearFaults() {
      faults.length = 0;
    },
    requests: () => log,
    storedFiles: () => options.storedFiles(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Parses a `multipart/form-data` request body with the platform's own parser (undici), so part
 * names, file names and part types are what a real server would see. Throws on a malformed body.
 */
export async function readFormData(request: FakeRequest): Promise<FormData> {
  const type = request.headers["content-type"] ?? "";
  if (!/^multipart\/form-data;\s*boundary=/i.test(type)) throw new Error("not multipart/form-data");
  return new Response(request.body, { headers: { "content-type": type } }).formData();
}
