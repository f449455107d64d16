import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Connector, CreateConnectorOptions, PushReceipt } from "../connector-types.ts";
import type { ConnectorDefinition } from "../define-connector.ts";
import { type ConnectorError, isConnectorError } from "../errors/connector-error.ts";
import type { Logger } from "../logger/logger.ts";
import type { EvidencePackage } from "../package/evidence-package.ts";
import { loadEvidencePackage } from "../package/load-evidence-package.ts";
import { collectSecrets } from "../redact/redactor.ts";
import type { FakeServer } from "./fake-server.ts";
import { writeEvidencePackage } from "./write-evidence-package.ts";

/** Options of {@link runConnectorConformance}. */
export interface ConformanceOptions<S extends FakeServer> {
  /** The connector under test. */
  connector: ConnectorDefinition;
  /** Starts a fresh fake server of the platform; called once per case and closed after it. */
  server: () => Promise<S>;
  /** The connector config that targets `server`, with every criterion mapped and secrets filled in. */
  config: (server: S) => Record<string, unknown>;
  /** The request that stores a file remotely; faults are injected there. @default every POST */
  write?: { method?: string; path?: string | RegExp };
  /** Extra strings that must never leak, besides the config's secret values and every `authorization` header sent. */
  secrets?: (server: S) => string[];
  /** Package formats to push. @default ["json", "csv"] unless capabilities.csv is false */
  formats?: Array<"json" | "csv">;
  /** Title of the generated `describe` block. @default `${connector.name} connector conformance` */
  title?: string;
}

const RETRY_LIMIT = 3;
const BASE_DELAY_MS = 100;

interface Harness<S extends FakeServer> {
  server: S;
  config: Record<string, unknown>;
  connector: Connector;
  sleeps: number[];
  logs: string[];
  now: number;
  create(options?: CreateConnectorOptions): Connector;
}

function recordingLogger(lines: string[]): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    expect(isConnectorError(error), `expected a ConnectorError, got ${inspect(error)}`).toBe(true);
    return error as ConnectorError;
  }
  throw new Error("expected the promise to reject");
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition(), "the fake server never saw the expected request").toBe(true);
}

/**
 * Registers the standard conformance cases for a connector (call it at the top level of a test file):
 * it pushes every file once, retries 429/5xx with backoff and honours `Retry-After`, bounds its
 * attempts, fails fast and typed on 400/401/403/404, creates no duplicates on re-push, never leaks a
 * secret, and respects abort and timeouts. Cases skip by the connector's declared capabilities.
 * Backoff is instant: the kit injects a sleep that records each delay.
 */
export function runConnectorConformance<S extends FakeServer>(options: ConformanceOptions<S>): void {
  const definition = options.connector;
  const caps = definition.capabilities;
  const formats = options.formats ?? (caps.csv ? ["json", "csv"] : ["json"]);
  const write = {
    method: options.write?.method ?? "POST",
    ...(options.write?.path !== undefined ? { path: options.write.path } : {}),
  };
  const packages = new Map<string, EvidencePackage>();
  let root = "";
  const open: Array<{ server: S; connectors: Connector[] }> = [];

  async function setup(): Promise<Harness<S>> {
    const server = await options.server();
    const config = options.config(server);
    const sleeps: number[] = [];
    const logs: string[] = [];
    const now = Math.floor(Date.now() / 1000) * 1000;
    const record = { server, connectors: [] as Connector[] };
    open.push(record);
    const create = (overrides: CreateConnectorOptions = {}): Connector => {
      const connector = definition.create(config, {
        logger: recordingLogger(logs),
        now: () => now,
        ...overrides,
        http: {
          sleep: async (ms, signal) => {
            if (signal.aborted) throw signal.reason;
            sleeps.push(ms);
          },
          random: () => 0.5,
          retry: { limit: RETRY_LIMIT, baseDelayMs: BASE_DELAY_MS, maxRetryAfterMs: 60_000 },
          timeoutMs: 5_000,
          ...overrides.http,
        },
      });
      record.connectors.push(connector);
      return connector;
    };
    return { server, config, connector: create(), sleeps, logs, now, create };
  }

  const pkg = (format: "json" | "csv" = formats[0] ?? "json"): EvidencePackage => {
    const loaded = packages.get(format);
    if (!loaded) throw new Error(`conformance package ${format} was not prepared`);
    return loaded;
  };
  const faulted = (server: FakeServer): number =>
    server.requests().filter((request) => request.faulted).length;

  describe(options.title ?? `${definition.name} connector conformance`, () => {
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), "iddio-conformance-"));
      for (const format of formats)
        packages.set(
          format,
          await loadEvidencePackage(await writeEvidencePackage(join(root, format), { format })),
        );
    });
    afterEach(async () => {
      for (const { server, connectors } of open.splice(0)) {
        for (const connector of connectors) await connector.dispose().catch(() => {});
        await server.close();
      }
    });
    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it("declares a lowercase name and boolean capabilities", () => {
      expect(definition.name).toMatch(/^[a-z][a-z0-9-]*$/);
      for (const value of Object.values(caps)) expect(typeof value).toBe("boolean");
    });

    it("rejects an empty config with CONNECTOR_CONFIG_INVALID naming an option", () => {
      let error: unknown;
      try {
        definition.create({});
      } catch (caught) {
        error = caught;
      }
      expect(isConnectorError(error) && error.code).toBe("CONNECTOR_CONFIG_INVALID");
      expect((error as Error).message).toMatch(/option "[^"]+"/);
    });

    it("passes check() against the platform", async () => {
      const h = await setup();
      await expect(h.connector.check()).resolves.toMatchObject({ ok: true });
    });

    for (const format of formats) {
      it.skipIf(!caps.files)(`pushes every file of a ${format} package exactly once`, async () => {
        const h = await setup();
        const receipt = await h.connector.push(pkg(format));
        const names = pkg(format)
          .files.map((file) => file.name)
          .sort();
        expect(receipt.files.map((file) => file.file).sort()).toEqual(names);
        for (const file of receipt.files) expect(file.remote_id).toMatch(/\S/);
        expect(receipt).toMatchObject({
          connector: h.connector.name,
          type: definition.name,
          package_sha256: pkg(format).sha256,
        });
        expect(countBy(h.server.storedFiles())).toEqual(countBy(names));
      });
    }

    it.skipIf(!caps.files)(
      "retries 429 and 5xx answers with growing backoff and stores each file once",
      async () => {
        const h = await setup();
        for (const status of [503, 500, 429]) h.server.inject({ ...write, status });
        const receipt = await h.connector.push(pkg());
        expect(receipt.files).toHaveLength(pkg().files.length);
        expect(h.sleeps).toHaveLength(3);
        expect(h.sleeps[1]).toBeGreaterThan(h.sleeps[0] ?? Number.POSITIVE_INFINITY);
        expect(h.sleeps[2]).toBeGreaterThan(h.sleeps[1] ?? Number.POSITIVE_INFINITY);
        expect(countBy(h.server.storedFiles())).toEqual(countBy(pkg().files.map((file) => file.name)));
      },
    );

    it("waits as long as Retry-After asks, in seconds", async () => {
      const h = await setup();
      h.server.inject({ ...write, status: 429, headers: { "retry-after": "7" } });
      await h.connector.push(pkg());
      expect(h.sleeps).toEqual([7000]);
    });

    it("waits as long as Retry-After asks, as an HTTP date", async () => {
      const h = await setup();
      h.server.inject({
        ...write,
        status: 503,
        headers: { "retry-after": new Date(h.now + 30_000).toUTCString() },
      });
      await h.connector.push(pkg());
      expect(h.sleeps).toEqual([30_000]);
    });

    it("gives up after a bounded number of attempts with a retryable error", async () => {
      const h = await setup();
      h.server.inject({ ...write, status: 503, times: 100 });
      const error = await rejection(h.connector.push(pkg()));
      expect(error).toMatchObject({
        code: "CONNECTOR_HTTP_503",
        status: 503,
        retryable: true,
        connector: h.connector.name,
      });
      expect(faulted(h.server)).toBe(RETRY_LIMIT + 1);
      expect(h.sleeps).toHaveLength(RETRY_LIMIT);
    });

    it("retries after a dropped connection", async () => {
      const h = await setup();
      h.server.inject({ ...write, reset: true });
      const receipt = await h.connector.push(pkg());
      expect(receipt.files.length).toBeGreaterThan(0);
      expect(h.sleeps).toHaveLength(1);
    });

    for (const status of [400, 401, 403, 404]) {
      it(`fails fast with a typed, non-retryable error on ${status}`, async () => {
        const h = await setup();
        h.server.inject({
          ...write,
          status,
          times: 100,
          body: JSON.stringify({ error: `rejected (${status})` }),
          headers: { "content-type": "application/json" },
        });
        const error = await rejection(h.connector.push(pkg()));
        expect(error).toMatchObject({
          name: "ConnectorError",
          code: `CONNECTOR_HTTP_${status}`,
          status,
          retryable: false,
        });
        expect(error.message).toMatch(new RegExp(`^\\[iddio-compliance\\] \\[${h.connector.name}\\] `));
        expect(h.sleeps).toEqual([]);
        // One re-authentication after a 401 is allowed; backoff retries are not.
        expect(faulted(h.server)).toBeLessThanOrEqual(2);
      });
    }

    it.skipIf(!caps.idempotent)(
      "creates nothing new remotely when the same package is pushed again",
      async () => {
        const h = await setup();
        const first = await h.connector.push(pkg());
        const stored = countBy(h.server.storedFiles());
        const again = h.create();
        const second = await again.push(pkg());
        expect(countBy(h.server.storedFiles())).toEqual(stored);
        const ids = (receipt: PushReceipt) =>
          Object.fromEntries(receipt.files.map((file) => [file.file, file.remote_id]));
        expect(ids(second)).toEqual(ids(first));
      },
    );

    it("never lets a secret reach an error, a log line or a receipt", async () => {
      const h = await setup();
      const receipt = await h.connector.push(pkg());
      const secrets = [...collectSecrets(h.config), ...(options.secrets?.(h.server) ?? [])].filter(
        (s) => s.length >= 3,
      );
      const echo = `credentials ${secrets.join(" ")} were refused`;
      h.server.inject({
        ...write,
        status: 401,
        times: 100,
        body: JSON.stringify({ error: echo }),
        headers: { "content-type": "application/json" },
      });
      const error = await rejection(h.create().push(pkg(formats.at(-1))));
      for (const request of h.server.requests()) {
        const auth = request.headers.authorization;
        if (auth) secrets.push(auth, auth.replace(/^\S+\s+/, ""));
      }
      expect(secrets.length).toBeGreaterThan(0);
      const surfaces = {
        receipt: JSON.stringify(receipt),
        error: `${error.message}\n${JSON.stringify(error)}\n${inspect(error, { depth: 10 })}`,
        logs: h.logs.join("\n"),
      };
      for (const [where, text] of Object.entries(surfaces)) {
        for (const secret of secrets)
          expect(text.includes(secret), `a secret appeared in the ${where}`).toBe(false);
      }
    });

    it("rejects at once, sending nothing, when the signal is already aborted", async () => {
      const h = await setup();
      const controller = new AbortController();
      controller.abort();
      const error = await rejection(h.connector.push(pkg(), { signal: controller.signal }));
      expect(error.code).toBe("CONNECTOR_ABORTED");
      expect(h.server.requests()).toHaveLength(0);
    });

    it("stops a push in flight when its signal aborts", async () => {
      const h = await setup();
      h.server.inject({ ...write, hang: true, times: 100 });
      const controller = new AbortController();
      const pushing = rejection(h.connector.push(pkg(), { signal: controller.signal }));
      await waitFor(() => faulted(h.server) > 0);
      controller.abort();
      const error = await pushing;
      expect(error).toMatchObject({ code: "CONNECTOR_ABORTED", retryable: false });
      expect(faulted(h.server)).toBe(1);
    });

    it("gives up on a request that hangs past its timeout with a retryable error", async () => {
      const h = await setup();
      h.server.inject({ ...write, hang: true, times: 100 });
      const connector = h.create({ http: { timeoutMs: 150, retry: { limit: 1, baseDelayMs: 1 } } });
      const error = await rejection(connector.push(pkg()));
      expect(error).toMatchObject({ code: "CONNECTOR_TIMEOUT", retryable: true });
      expect(faulted(h.server)).toBe(2);
    });

    it("refuses a package whose bytes do not match its manifest, sending nothing", async () => {
      const h = await setup();
      const original = pkg();
      const [first, ...rest] = original.files;
      if (!first) throw new Error("empty package");
      const tampered: EvidencePackage = {
        ...original,
        files: [{ ...first, bytes: new TextEncoder().encode("tampered") }, ...rest],
      };
      const error = await rejection(h.connector.push(tampered));
      expect(error.code).toBe("CONNECTOR_PACKAGE_INVALID");
      expect(error.message).toContain(first.name);
      expect(h.server.requests()).toHaveLength(0);
    });
  });
}
