import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../logger/logger.ts";
import { createRedactor } from "../redact/redactor.ts";
import { createFakeServer, type FakeServer } from "../testing/fake-server.ts";
import { createHttpClient, type HttpOptions } from "./http-client.ts";

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function setup(options: HttpOptions = {}, signal = new AbortController().signal) {
  const server = await createFakeServer({
    handle: () => ({ status: 200, json: { ok: true } }),
    storedFiles: () => [],
  });
  servers.push(server);
  const sleeps: number[] = [];
  const http = createHttpClient(
    { sleep: async (ms) => void sleeps.push(ms), random: () => 1, retry: { baseDelayMs: 10 }, ...options },
    {
      connector: "t",
      redactor: createRedactor(["tok-secret-1"]),
      logger: silentLogger,
      now: () => Date.UTC(2026, 0, 1),
      signals: () => [signal],
    },
  );
  return { server, http, sleeps };
}

describe("http client", () => {
  it("parses a JSON answer and sends fresh per-attempt headers", async () => {
    const { server, http } = await setup();
    server.inject({ status: 502 });
    let calls = 0;
    const response = await http.request({
      url: `${server.url}/x`,
      headers: (attempt) => ({ "x-attempt": String(attempt), "x-calls": String(++calls) }),
    });
    expect(response).toMatchObject({ status: 200, data: { ok: true } });
    expect(server.requests().map((request) => request.headers["x-attempt"])).toEqual(["1", "2"]);
  });

  it("stops at a Retry-After longer than the cap with a retryable error instead of waiting", async () => {
    const { server, http, sleeps } = await setup({ retry: { maxRetryAfterMs: 5000 } });
    server.inject({ status: 429, headers: { "retry-after": "3600" } });
    const error = await http.request({ url: `${server.url}/x` }).catch((e) => e);
    expect(error).toMatchObject({ code: "CONNECTOR_HTTP_429", retryable: true });
    expect(error.message).toMatch(/Retry-After asks for 3600 s, more than the 5 s/);
    expect(sleeps).toEqual([]);
  });

  it("sends a request marked retry: false exactly once", async () => {
    const { server, http } = await setup();
    server.inject({ status: 503, times: 5 });
    await expect(
      http.request({ method: "POST", url: `${server.url}/x`, retry: false }),
    ).rejects.toMatchObject({ code: "CONNECTOR_HTTP_503", retryable: true });
    expect(server.requests()).toHaveLength(1);
  });

  it("does not follow redirects", async () => {
    const { server, http } = await setup();
    server.inject({ status: 302, headers: { location: "https://evil.example/" } });
    await expect(http.request({ url: `${server.url}/x` })).rejects.toMatchObject({
      code: "CONNECTOR_HTTP_302",
      retryable: false,
      message: expect.stringContaining("redirects are not followed"),
    });
  });

  it("reports a 2xx body that claims JSON but is not as CONNECTOR_RESPONSE_INVALID", async () => {
    const { server, http } = await setup();
    server.inject({ status: 200, headers: { "content-type": "application/json" }, body: "{oops" });
    await expect(http.request({ url: `${server.url}/x` })).rejects.toMatchObject({
      code: "CONNECTOR_RESPONSE_INVALID",
    });
  });

  it("redacts secrets and bearer tokens echoed in an error body or URL", async () => {
    const { server, http } = await setup();
    server.inject({ status: 400, body: "bad token tok-secret-1, header was Bearer abcdef123" });
    const error = await http.request({ url: `${server.url}/x?api_key=tok-secret-1` }).catch((e) => e);
    expect(error.message).not.toContain("tok-secret-1");
    expect(error.message).not.toContain("abcdef123");
    expect(error.message).toContain("answered 400 Bad Request");
  });

  it("reports a refused connection as a retryable network error after bounded attempts", async () => {
    const { server, http, sleeps } = await setup({ retry: { limit: 2, baseDelayMs: 1 } });
    const url = `${server.url}/x`;
    await server.close();
    servers.length = 0;
    await expect(http.request({ url })).rejects.toMatchObject({ code: "CONNECTOR_NETWORK", retryable: true });
    expect(sleeps).toHaveLength(2);
  });

  it("aborts while waiting between attempts", async () => {
    const controller = new AbortController();
    const { server } = await setup();
    const http = createHttpClient(
      { retry: { baseDelayMs: 60_000 } },
      {
        connector: "t",
        redactor: createRedactor(),
        logger: silentLogger,
        now: Date.now,
        signals: () => [controller.signal],
      },
    );
    server.inject({ status: 503 });
    const pending = http.request({ url: `${server.url}/x` }).catch((e) => e);
    for (let i = 0; i < 400 && server.requests().length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await pending).toMatchObject({ code: "CONNECTOR_ABORTED", retryable: false });
  });
});
