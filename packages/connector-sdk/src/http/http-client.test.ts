import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import type { CreateConnectorOptions } from "../connector-types.ts";
import { isConnectorError } from "../errors/connector-error.ts";
import { probeConnector } from "../test-support/probe-connector.ts";
import { type RawHttpServer, startRawHttpServer, writeUntilClosed } from "../test-support/raw-http-server.ts";
import { createFakeServer, type FakeServer } from "../testing/fake-server.ts";
import type { HttpOptions } from "./http-client.ts";

const open: Array<FakeServer | RawHttpServer> = [];
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
});

/** The HTTP client of a connector built by `defineConnector`, with instant recorded backoff. */
function client(http: HttpOptions = {}, options: CreateConnectorOptions = {}) {
  const sleeps: number[] = [];
  const probe = probeConnector({
    now: () => Date.UTC(2026, 0, 1),
    ...options,
    http: {
      sleep: async (ms, signal) => {
        if (signal.aborted) throw signal.reason;
        sleeps.push(ms);
      },
      random: () => 1,
      retry: { baseDelayMs: 10 },
      ...http,
    },
  });
  return { http: probe.ctx.http, probe, sleeps };
}

async function fake(): Promise<FakeServer> {
  const server = await createFakeServer({
    handle: () => ({ status: 200, json: { ok: true } }),
    storedFiles: () => [],
  });
  open.push(server);
  return server;
}

async function raw(handle: Parameters<typeof startRawHttpServer>[0]): Promise<RawHttpServer> {
  const server = await startRawHttpServer(handle);
  open.push(server);
  return server;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition(), what).toBe(true);
}

const MiB = 1024 * 1024;

describe("http client", () => {
  it("parses a JSON answer and sends fresh per-attempt headers", async () => {
    const server = await fake();
    const { http } = client();
    server.inject({ status: 502 });
    const response = await http.request({
      url: `${server.url}/x`,
      headers: (attempt) => ({ "x-attempt": String(attempt) }),
    });
    expect(response).toMatchObject({ status: 200, data: { ok: true } });
    expect(server.requests().map((request) => request.headers["x-attempt"])).toEqual(["1", "2"]);
  });

  it("sends a JSON body with its content type and the user agent", async () => {
    const seen: Array<{ type: string | undefined; agent: string | undefined; body: string }> = [];
    const server = await createFakeServer({
      handle: ({ headers, body }) => {
        seen.push({ type: headers["content-type"], agent: headers["user-agent"], body: body.toString() });
        return { status: 201, json: { id: "1" } };
      },
      storedFiles: () => [],
    });
    open.push(server);
    const { http } = client();
    await http.request({ method: "POST", url: `${server.url}/x`, json: { a: [1, "b"] } });
    expect(seen).toEqual([
      { type: "application/json", agent: "iddio-compliance-connector", body: '{"a":[1,"b"]}' },
    ]);
  });

  it("stops at a Retry-After longer than the cap with a retryable error that carries the wait", async () => {
    const server = await fake();
    const { http, sleeps } = client({ retry: { maxRetryAfterMs: 5000 } });
    server.inject({ status: 429, headers: { "retry-after": "3600" } });
    const error = await http.request({ url: `${server.url}/x` }).catch((e) => e);
    expect(error).toMatchObject({ code: "CONNECTOR_HTTP_429", retryable: true, retryAfterMs: 3_600_000 });
    expect(error.message).toMatch(/Retry-After asks for 3600 s, more than the 5 s/);
    expect(sleeps).toEqual([]);
  });

  it("sends a request marked retry: false exactly once", async () => {
    const server = await fake();
    const { http } = client();
    server.inject({ status: 503, times: 5 });
    await expect(
      http.request({ method: "POST", url: `${server.url}/x`, retry: false }),
    ).rejects.toMatchObject({ code: "CONNECTOR_HTTP_503", retryable: true });
    expect(server.requests()).toHaveLength(1);
  });

  it("does not follow redirects", async () => {
    const server = await fake();
    const { http } = client();
    server.inject({ status: 302, headers: { location: "https://evil.example/" } });
    await expect(http.request({ url: `${server.url}/x` })).rejects.toMatchObject({
      code: "CONNECTOR_HTTP_302",
      retryable: false,
      message: expect.stringContaining("redirects are not followed"),
    });
  });

  it("reports a 2xx body that claims JSON but is not as CONNECTOR_RESPONSE_INVALID", async () => {
    const server = await fake();
    const { http } = client();
    server.inject({ status: 200, headers: { "content-type": "application/json" }, body: "{oops" });
    await expect(http.request({ url: `${server.url}/x` })).rejects.toMatchObject({
      code: "CONNECTOR_RESPONSE_INVALID",
    });
  });

  it("redacts secrets and bearer tokens echoed in an error body or URL", async () => {
    const server = await fake();
    const { http } = client();
    server.inject({ status: 400, body: "bad token tok-secret-1, header was Bearer abcdef123" });
    const error = await http.request({ url: `${server.url}/x?api_key=tok-secret-1` }).catch((e) => e);
    expect(error.message).not.toContain("tok-secret-1");
    expect(error.message).not.toContain("abcdef123");
    expect(error.message).toContain("answered 400 Bad Request");
  });

  it("reports a refused connection as a retryable network error after bounded attempts", async () => {
    const server = await fake();
    const { http, sleeps } = client({ retry: { limit: 2, baseDelayMs: 1 } });
    const url = `${server.url}/x`;
    await server.close();
    await expect(http.request({ url })).rejects.toMatchObject({ code: "CONNECTOR_NETWORK", retryable: true });
    expect(sleeps).toHaveLength(2);
  });

  it("reports an API key HTTP headers cannot carry as a config error, at once, without repeating it", async () => {
    const server = await fake();
    const { http, sleeps } = client({ retry: { limit: 3, baseDelayMs: 1 } });
    for (const key of ["sk_live_abc\ndef", "sk_live_abc€def"]) {
      const error = await http
        .request({ url: `${server.url}/x`, headers: { authorization: `Bearer ${key}` } })
        .catch((e) => e);
      expect(error).toMatchObject({ code: "CONNECTOR_CONFIG_INVALID", retryable: false });
      expect(error.message).toContain("the authorization header holds a character HTTP headers cannot carry");
      expect(error.message).not.toContain("sk_live");
    }
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it("aborts while waiting between attempts", async () => {
    const server = await fake();
    const controller = new AbortController();
    const probe = probeConnector({ signal: controller.signal, http: { retry: { baseDelayMs: 60_000 } } });
    server.inject({ status: 503 });
    const pending = probe.ctx.http.request({ url: `${server.url}/x` }).catch((e) => e);
    await until(() => server.requests().length > 0, "the server never saw the request");
    controller.abort();
    expect(await pending).toMatchObject({ code: "CONNECTOR_ABORTED", retryable: false });
  });

  it("gives up on an answer whose headers arrived but whose body never finishes, at the attempt's deadline", async () => {
    const server = await raw((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"data": [');
    });
    const { http, sleeps } = client({ timeoutMs: 200, retry: { limit: 1, baseDelayMs: 1 } });
    const error = await http.request({ url: `${server.url}/x` }).catch((e) => e);
    expect(error).toMatchObject({ code: "CONNECTOR_TIMEOUT", retryable: true });
    expect(error.message).toContain("did not complete within 200 ms");
    expect(server.requests).toBe(2);
    expect(sleeps).toHaveLength(1);
    await until(() => server.closedConnections === 2, "the client left a stalled connection open");
  });

  it("gives up on a body trickled one byte at a time past the attempt's deadline", async () => {
    let timer: NodeJS.Timeout | undefined;
    const server = await raw((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      timer = setInterval(() => {
        if (res.destroyed) clearInterval(timer);
        else res.write(" ");
      }, 10);
    });
    const { http } = client({ timeoutMs: 300 });
    try {
      await expect(http.request({ url: `${server.url}/x`, retry: false })).rejects.toMatchObject({
        code: "CONNECTOR_TIMEOUT",
        retryable: true,
      });
      await until(() => server.closedConnections === 1, "the client kept reading the trickle");
    } finally {
      clearInterval(timer);
    }
  });

  it("stops reading a huge successful body at the size cap and closes the connection", async () => {
    let written: Promise<number> | undefined;
    const server = await raw((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      written = writeUntilClosed(res, new Uint8Array(64 * 1024).fill(0x20), 1536 * MiB);
    });
    const { http, sleeps } = client({ maxResponseBytes: MiB });
    const error = await http.request({ url: `${server.url}/x` }).catch((e) => e);
    expect(isConnectorError(error)).toBe(true);
    expect(error).toMatchObject({ code: "CONNECTOR_RESPONSE_TOO_LARGE", status: 200, retryable: false });
    expect(error.message).toContain(`longer than ${MiB} bytes`);
    expect(server.requests).toBe(1);
    expect(sleeps).toEqual([]);
    // The server stops as soon as the client hangs up: far less than the 1.5 GB it offered.
    expect(await written).toBeLessThan(64 * MiB);
  });

  it("reads only the start of a huge error body and still reports its status", async () => {
    let written: Promise<number> | undefined;
    const server = await raw((_req, res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.write("maintenance window ");
      written = writeUntilClosed(res, new Uint8Array(64 * 1024).fill(0x78), 1536 * MiB);
    });
    const { http } = client();
    const error = await http.request({ url: `${server.url}/x`, retry: false }).catch((e) => e);
    expect(error).toMatchObject({ code: "CONNECTOR_HTTP_503", status: 503, retryable: true });
    expect(error.message).toContain("maintenance window x");
    expect(await written).toBeLessThan(64 * MiB);
  });

  it("retries after the connection drops mid-body and returns the next complete answer", async () => {
    const server = await raw((_req, res, request) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "11" });
      if (request === 1) {
        res.write('{"ok":');
        res.socket?.destroy();
      } else res.end('{"ok":true}');
    });
    const { http, sleeps } = client();
    await expect(http.request({ url: `${server.url}/x` })).resolves.toMatchObject({ data: { ok: true } });
    expect(server.requests).toBe(2);
    expect(sleeps).toHaveLength(1);
  });

  it("reports a connection dropped mid-body as a retryable CONNECTOR_NETWORK", async () => {
    const server = await raw((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "11" });
      res.write('{"ok":');
      res.socket?.destroy();
    });
    const { http } = client();
    await expect(http.request({ url: `${server.url}/x`, retry: false })).rejects.toMatchObject({
      code: "CONNECTOR_NETWORK",
      retryable: true,
    });
  });

  it("stops a stalled body as soon as the push is aborted, whatever the deadline", async () => {
    const server = await raw((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write("{");
    });
    const { probe } = client({ timeoutMs: 600_000 });
    const controller = new AbortController();
    const pushing = probe
      .inPush((ctx) => ctx.http.request({ url: `${server.url}/x` }), { signal: controller.signal })
      .catch((e) => e);
    await until(() => server.requests === 1, "the server never saw the request");
    controller.abort();
    expect(await pushing).toMatchObject({ code: "CONNECTOR_ABORTED", retryable: false });
    await until(() => server.closedConnections === 1, "the aborted connection stayed open");
  });

  it("leaves no listener on the connector's or the push's signal once requests end, failed ones included", async () => {
    const server = await fake();
    const connectorSignal = new AbortController().signal;
    const pushSignal = new AbortController().signal;
    const { probe } = client({}, { signal: connectorSignal });
    await probe.inPush(
      async (ctx) => {
        server.inject({ status: 503 });
        await ctx.http.request({ url: `${server.url}/x` });
        server.inject({ status: 400 });
        await ctx.http.request({ url: `${server.url}/x` }).catch(() => {});
        await ctx.http.request({ url: `${server.url}/x`, detached: true });
      },
      { signal: pushSignal },
    );
    expect(getEventListeners(connectorSignal, "abort")).toHaveLength(0);
    expect(getEventListeners(pushSignal, "abort")).toHaveLength(0);
  });

  it("stops a stalled body as soon as the connector's own signal aborts", async () => {
    const server = await raw((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write("{");
    });
    const controller = new AbortController();
    const { http } = client({ timeoutMs: 600_000 }, { signal: controller.signal });
    const pending = http.request({ url: `${server.url}/x` }).catch((e) => e);
    await until(() => server.requests === 1, "the server never saw the request");
    controller.abort();
    expect(await pending).toMatchObject({ code: "CONNECTOR_ABORTED", retryable: false });
  });
});
