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
import { type FakeServer, type Fault, matches } from "./fake-server.ts";
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
  /**
   * Extra strings that must never leak, besides the config's values under secret-looking keys and
   * every `authorization` header sent: a token your fake issues, a signing key.
   */
  secrets?: (server: S) => string[];
  /** Package formats to push. @default ["json", "csv"] unless capabilities.csv is false */
  formats?: Array<"json" | "csv">;
  /** Title of the generated `describe` block. @default `${connector.name} connector conformance` */
  title?: string;
}

const RETRY_LIMIT = 3;
const BASE_DELAY_MS = 100;
/** The lost-answer cases fault each of the first this-many writes of a push, one push each. */
const MAX_FAULTED_WRITES = 40;

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

/** One standard case: the sentence it is registered under, whether it applies, and its body. */
interface ConformanceCase {
  name: string;
  skip: boolean;
  run(): Promise<void>;
}

/** The standard cases of one connector, and what must run before and after them. */
interface ConformanceSuite {
  title: string;
  cases: ConformanceCase[];
  /** Writes the packages the cases push (vitest `beforeAll`). */
  prepare(): Promise<void>;
  /** Disposes the connectors and closes the servers of the case that ran (vitest `afterEach`). */
  cleanUp(): Promise<void>;
  /** Removes the packages (vitest `afterAll`). */
  remove(): Promise<void>;
}

/**
 * The standard cases of {@link runConnectorConformance}, as data: the kit registers each with vitest,
 * and the kit's own tests run single cases against deliberately broken connectors.
 */
export function conformanceSuite<S extends FakeServer>(options: ConformanceOptions<S>): ConformanceSuite {
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
  const fileNames = (format?: "json" | "csv"): string[] => pkg(format).files.map((file) => file.name);
  const faulted = (server: FakeServer): number =>
    server.requests().filter((request) => request.faulted).length;

  const cases: ConformanceCase[] = [];
  const add = (name: string, run: () => Promise<void>, skip = false): void => {
    cases.push({ name, skip, run });
  };

  add("declares a lowercase name and boolean capabilities", async () => {
    expect(definition.name).toMatch(/^[a-z][a-z0-9-]*$/);
    for (const value of Object.values(caps)) expect(typeof value).toBe("boolean");
  });

  add("rejects an empty config with CONNECTOR_CONFIG_INVALID naming an option", async () => {
    let error: unknown;
    try {
      definition.create({});
    } catch (caught) {
      error = caught;
    }
    expect(isConnectorError(error) && error.code).toBe("CONNECTOR_CONFIG_INVALID");
    expect((error as Error).message).toMatch(/option "[^"]+"/);
  });

  add("passes check() against the platform", async () => {
    const h = await setup();
    await expect(h.connector.check()).resolves.toMatchObject({ ok: true });
  });

  for (const format of formats) {
    add(
      `pushes every file of a ${format} package exactly once`,
      async () => {
        const h = await setup();
        const receipt = await h.connector.push(pkg(format));
        const names = fileNames(format).sort();
        expect(receipt.files.map((file) => file.file).sort()).toEqual(names);
        for (const file of receipt.files) expect(file.remote_id).toMatch(/\S/);
        expect(receipt).toMatchObject({
          connector: h.connector.name,
          type: definition.name,
          package_sha256: pkg(format).sha256,
        });
        expect(countBy(h.server.storedFiles())).toEqual(countBy(names));
      },
      !caps.files,
    );
  }

  add(
    "retries 429 and 5xx answers with growing backoff and stores each file once",
    async () => {
      const h = await setup();
      for (const status of [503, 500, 429]) h.server.inject({ ...write, status });
      const receipt = await h.connector.push(pkg());
      expect(receipt.files).toHaveLength(pkg().files.length);
      expect(h.sleeps).toHaveLength(3);
      expect(h.sleeps[1]).toBeGreaterThan(h.sleeps[0] ?? Number.POSITIVE_INFINITY);
      expect(h.sleeps[2]).toBeGreaterThan(h.sleeps[1] ?? Number.POSITIVE_INFINITY);
      expect(countBy(h.server.storedFiles())).toEqual(countBy(fileNames()));
    },
    !caps.files,
  );

  add("waits as long as Retry-After asks, in seconds", async () => {
    const h = await setup();
    h.server.inject({ ...write, status: 429, headers: { "retry-after": "7" } });
    await h.connector.push(pkg());
    expect(h.sleeps).toEqual([7000]);
  });

  add("waits as long as Retry-After asks, as an HTTP date", async () => {
    const h = await setup();
    h.server.inject({
      ...write,
      status: 503,
      headers: { "retry-after": new Date(h.now + 30_000).toUTCString() },
    });
    await h.connector.push(pkg());
    expect(h.sleeps).toEqual([30_000]);
  });

  add("gives up after a bounded number of attempts with a retryable error", async () => {
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

  add("retries after a dropped connection", async () => {
    const h = await setup();
    h.server.inject({ ...write, reset: true });
    const receipt = await h.connector.push(pkg());
    expect(receipt.files.length).toBeGreaterThan(0);
    expect(h.sleeps).toHaveLength(1);
  });

  // The hard case of idempotency: the platform stored a write but its answer never arrived, so
  // sending the write again (what a plain HTTP retry does) stores a second copy. Each write of the
  // push is hit in turn, as a crash can hit any of them.
  const lostAnswers: Array<[string, Fault, CreateConnectorOptions]> = [
    ["answers 503", { status: 503 }, {}],
    ["drops the connection", { reset: true }, {}],
    ["never answers", { hang: true }, { http: { timeoutMs: 150 } }],
  ];
  for (const [what, fault, overrides] of lostAnswers) {
    add(
      `stores each file once when the platform stores a write and then ${what}, at every write of a push`,
      async () => {
        const clean = await setup();
        await clean.connector.push(pkg());
        const writes = clean.server
          .requests()
          .filter((request) => matches(write, request.method, request.path)).length;
        expect(writes, "a push sent no request matching the `write` option").toBeGreaterThan(0);
        for (let skip = 0; skip < Math.min(writes, MAX_FAULTED_WRITES); skip++) {
          const h = await setup();
          h.server.inject({ ...write, ...fault, commit: true, skip });
          let receipt: PushReceipt;
          try {
            receipt = await h.create(overrides).push(pkg());
          } catch (error) {
            // Giving up is allowed if it says so: the outbox pushes again later.
            expect(
              isConnectorError(error) && error.retryable,
              `after write ${skip + 1} was stored and its answer lost, the push failed without a retryable ConnectorError: ${inspect(error)}`,
            ).toBe(true);
            receipt = await h.create(overrides).push(pkg());
          }
          expect(faulted(h.server)).toBe(1);
          expect(receipt.files.map((file) => file.file).sort()).toEqual(fileNames().sort());
          expect(
            countBy(h.server.storedFiles()),
            `after write ${skip + 1} was stored and its answer lost, a file was stored twice: the connector sent the write again without looking whether the first one had been stored`,
          ).toEqual(countBy(fileNames()));
        }
      },
      !caps.files || !caps.idempotent,
    );
  }

  for (const status of [400, 401, 403, 404]) {
    add(`fails fast with a typed, non-retryable error on ${status}`, async () => {
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
      expect(error.message.startsWith(`${h.connector.name}: `)).toBe(true);
      expect(h.sleeps).toEqual([]);
      // One re-authentication after a 401 is allowed; backoff retries are not.
      expect(faulted(h.server)).toBeLessThanOrEqual(2);
    });
  }

  add(
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
    !caps.idempotent,
  );

  add("never lets a secret reach an error, a log line or a receipt", async () => {
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

  add("rejects at once, sending nothing, when the signal is already aborted", async () => {
    const h = await setup();
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(h.connector.push(pkg(), { signal: controller.signal }));
    expect(error.code).toBe("CONNECTOR_ABORTED");
    expect(h.server.requests()).toHaveLength(0);
  });

  add("stops a push in flight when its signal aborts", async () => {
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

  const stuck: Array<[string, Fault]> = [
    ["a request that hangs", { hang: true }],
    ["an answer whose body never finishes", { stall: true }],
  ];
  for (const [what, fault] of stuck) {
    add(`gives up on ${what} past its timeout with a retryable error`, async () => {
      const h = await setup();
      h.server.inject({ ...write, ...fault, times: 100 });
      const connector = h.create({ http: { timeoutMs: 150, retry: { limit: 1, baseDelayMs: 1 } } });
      const error = await rejection(connector.push(pkg()));
      expect(error).toMatchObject({ code: "CONNECTOR_TIMEOUT", retryable: true });
      expect(faulted(h.server)).toBe(2);
    });
  }

  add("refuses a package whose bytes do not match its manifest, sending nothing", async () => {
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

  return {
    title: options.title ?? `${definition.name} connector conformance`,
    cases,
    async prepare() {
      root = await mkdtemp(join(tmpdir(), "iddio-conformance-"));
      for (const format of formats)
        packages.set(
          format,
          await loadEvidencePackage(await writeEvidencePackage(join(root, format), { format })),
        );
    },
    async cleanUp() {
      for (const { server, connectors } of open.splice(0)) {
        for (const connector of connectors) await connector.dispose().catch(() => {});
        await server.close();
      }
    },
    async remove() {
      if (root) await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Registers the standard conformance cases for a connector (call it at the top level of a test file):
 * it pushes every file once, retries 429/5xx with backoff and honours `Retry-After`, bounds its
 * attempts, fails fast and typed on 400/401/403/404, creates no duplicates on re-push nor when the
 * platform stored a write whose answer was lost (503, dropped connection, no answer), never leaks a
 * secret, and respects abort and timeouts (of the headers and of the body). Cases skip by the
 * connector's declared capabilities. Backoff is instant: the kit injects a sleep (also behind
 * `ctx.sleep`) that records each delay.
 */
export function runConnectorConformance<S extends FakeServer>(options: ConformanceOptions<S>): void {
  const suite = conformanceSuite(options);
  describe(suite.title, () => {
    beforeAll(suite.prepare);
    afterEach(suite.cleanUp);
    afterAll(suite.remove);
    for (const standard of suite.cases) it.skipIf(standard.skip)(standard.name, standard.run);
  });
}
