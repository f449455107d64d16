import { AsyncLocalStorage } from "node:async_hooks";
import type { z } from "zod";
import { formatConfigIssues } from "./config/format-config-issues.ts";
import type {
  CheckResult,
  Connector,
  ConnectorCapabilities,
  ConnectorContext,
  ConnectorImplementation,
  CreateConnectorOptions,
  PushOptions,
  PushPlan,
  PushReceipt,
} from "./connector-types.ts";
import { ConnectorError, isConnectorError } from "./errors/connector-error.ts";
import { createHttpClient } from "./http/http-client.ts";
import { linkSignals } from "./http/linked-signal.ts";
import { createRetrier } from "./http/retry.ts";
import { resolveRetryOptions } from "./http/retry-policy.ts";
import { sleep as timerSleep } from "./http/sleep.ts";
import { defaultLogger, redactingLogger } from "./logger/logger.ts";
import type { EvidencePackage } from "./package/evidence-package.ts";
import { assertPackageIntact } from "./package/load-evidence-package.ts";
import { collectSecrets, createRedactor, type Redactor } from "./redact/redactor.ts";

const DEFINITION_BRAND = Symbol.for("iddio-compliance.connector-definition");

/** What `defineConnector` takes. */
export interface ConnectorSpec<S extends z.ZodType> {
  /** Connector type, lowercase: the `type` users write in config. */
  name: string;
  /** Schema of the connector's options (snake_case keys); parsed and defaulted before `create`. */
  config: S;
  capabilities: ConnectorCapabilities;
  /** Builds an instance from parsed config and a context. Must not do network I/O. */
  create(config: z.output<S>, ctx: ConnectorContext): ConnectorImplementation;
}

/** A defined connector: a typed factory of {@link Connector} instances. */
export interface ConnectorDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly capabilities: Readonly<Required<ConnectorCapabilities>>;
  readonly config: S;
  /**
   * Validates and defaults raw config (one entry of `compliance.connectors`; its `type` and `name`
   * keys are ignored). Throws `CONNECTOR_CONFIG_INVALID` naming the option.
   */
  parseConfig(input: unknown, options?: { name?: string }): z.output<S>;
  /** Parses `input` and builds an instance. */
  create(input: unknown, options?: CreateConnectorOptions): Connector;
}

/** True for a value returned by `defineConnector`, also from another copy of this package. */
export function isConnectorDefinition(value: unknown): value is ConnectorDefinition {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[DEFINITION_BRAND] === true
  );
}

function envelope(input: unknown): { rest: unknown; name: string | undefined } {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    return { rest: input, name: undefined };
  const { type: _type, name, ...rest } = input as Record<string, unknown>;
  return { rest, name: typeof name === "string" && name !== "" ? name : undefined };
}

/** Turns anything thrown into a redacted `ConnectorError` of `connector`. */
function normalizeError(
  error: unknown,
  connector: string,
  redactor: Redactor,
  signal: AbortSignal,
): ConnectorError {
  if (isConnectorError(error)) {
    const problem = redactor.redact(error.problem);
    if (problem === error.problem && error.connector) return error;
    return new ConnectorError({
      code: error.code,
      connector: error.connector ?? connector,
      message: problem,
      status: error.status,
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
      cause: error.cause === undefined ? undefined : new Error(redactor.redact(String(error.cause))),
    });
  }
  const err = error as Error | undefined;
  if (signal.aborted || err?.name === "AbortError") {
    return new ConnectorError({
      code: "CONNECTOR_ABORTED",
      connector,
      message: "Push aborted",
      retryable: false,
    });
  }
  return new ConnectorError({
    code: "CONNECTOR_FAILED",
    connector,
    message: redactor.redact(err?.message ?? String(error)),
    retryable: false,
    cause: new Error(redactor.redact(String(error))),
  });
}

/**
 * Defines a connector. Does the shared work so each connector does not: validates and defaults its
 * config (errors name the option), builds the context (HTTP client with retries and `Retry-After`,
 * redacting logger, abort signal, clock), verifies every package against its manifest before a push,
 * turns every failure into a redacted {@link ConnectorError} and builds the receipt.
 */
export function defineConnector<S extends z.ZodType>(spec: ConnectorSpec<S>): ConnectorDefinition<S> {
  const capabilities: Required<ConnectorCapabilities> = {
    csv: true,
    structured: false,
    remoteCheck: true,
    ...spec.capabilities,
  };

  function parseConfig(input: unknown, options: { name?: string } = {}): z.output<S> {
    const { rest, name } = envelope(input);
    const label = options.name ?? name ?? spec.name;
    const result = spec.config.safeParse(rest);
    if (result.success) return result.data;
    const redactor = createRedactor(collectSecrets(rest));
    const message = formatConfigIssues(result.error, rest).join("; ");
    throw new ConnectorError({
      code: "CONNECTOR_CONFIG_INVALID",
      connector: label,
      message: redactor.redact(message),
      retryable: false,
    });
  }

  function create(input: unknown, options: CreateConnectorOptions = {}): Connector {
    const { rest, name } = envelope(input);
    const label = options.name ?? name ?? spec.name;
    const config = parseConfig(input, { name: label });
    const redactor = createRedactor(collectSecrets(rest));
    const signal = options.signal ?? new AbortController().signal;
    const now = options.now ?? Date.now;
    const logger = redactingLogger(options.logger ?? defaultLogger(), redactor, { connector: label });
    const pushScope = new AsyncLocalStorage<AbortSignal>();
    const currentSignal = (): AbortSignal => pushScope.getStore() ?? signal;
    const pushAborted = (): ConnectorError =>
      new ConnectorError({
        code: "CONNECTOR_ABORTED",
        connector: label,
        message: "Push aborted",
        retryable: false,
      });
    const httpOptions = options.http ?? {};
    const policy = resolveRetryOptions(httpOptions.retry);
    const wait = httpOptions.sleep ?? timerSleep;
    const retrier = createRetrier({ policy, sleep: wait, random: httpOptions.random ?? Math.random, logger });
    const http = createHttpClient(httpOptions, {
      connector: label,
      redactor,
      logger,
      now,
      retry: retrier,
      maxRetryAfterMs: policy.maxRetryAfterMs,
      signals: (detached) => {
        const scoped = pushScope.getStore();
        return scoped && !detached ? [scoped] : [signal];
      },
    });
    const ctx: ConnectorContext = {
      connector: label,
      http,
      logger,
      signal,
      now,
      redact: redactor.redact,
      sleep: async (ms) => {
        try {
          await wait(ms, currentSignal());
        } catch {
          throw pushAborted();
        }
      },
      retry: (operation) => retrier(operation, { signal: currentSignal(), aborted: pushAborted }),
      abortable: <T>(promise: Promise<T>): Promise<T> => {
        const current = currentSignal();
        if (current.aborted) return Promise.reject(pushAborted());
        return new Promise<T>((resolve, reject) => {
          const onAbort = () => reject(pushAborted());
          current.addEventListener("abort", onAbort, { once: true });
          promise.then(
            (value) => {
              current.removeEventListener("abort", onAbort);
              resolve(value);
            },
            (error: unknown) => {
              current.removeEventListener("abort", onAbort);
              reject(error);
            },
          );
        });
      },
      addSecret: redactor.add,
      error: (code, message, fields = {}) =>
        new ConnectorError({
          code,
          connector: label,
          message: redactor.redact(message),
          status: fields.status,
          retryable: fields.retryable ?? false,
          retryAfterMs: fields.retryAfterMs,
          cause: fields.cause,
        }),
    };

    let impl: ConnectorImplementation;
    try {
      impl = spec.create(config, ctx);
    } catch (error) {
      throw normalizeError(error, label, redactor, signal);
    }

    const run = async <T>(pushSignal: AbortSignal, fn: () => Promise<T>): Promise<T> => {
      if (pushSignal.aborted) throw normalizeError(pushSignal.reason, label, redactor, pushSignal);
      try {
        return await pushScope.run(pushSignal, fn);
      } catch (error) {
        throw normalizeError(error, label, redactor, pushSignal);
      }
    };

    let disposed = false;
    return {
      name: label,
      type: spec.name,
      capabilities,
      async check(): Promise<CheckResult> {
        const result = await run(signal, () => impl.check());
        return result ?? { ok: true };
      },
      async push(pkg: EvidencePackage, pushOptions: PushOptions = {}): Promise<PushReceipt> {
        const linked = linkSignals(pushOptions.signal ? [signal, pushOptions.signal] : [signal]);
        const pushSignal = linked.signal;
        let result: Awaited<ReturnType<ConnectorImplementation["push"]>>;
        try {
          try {
            await assertPackageIntact(pkg);
          } catch (error) {
            throw normalizeError(error, label, redactor, pushSignal);
          }
          result = await run(pushSignal, () => impl.push(pkg, { signal: pushSignal }));
        } finally {
          linked.unlink();
        }
        return {
          connector: label,
          type: spec.name,
          package_sha256: pkg.sha256,
          period: pkg.summary.period,
          files: result.files,
          skipped: result.skipped ?? [],
          pushed_at: new Date(now()).toISOString(),
        };
      },
      plan(pkg: EvidencePackage): PushPlan {
        let planned: ReturnType<NonNullable<ConnectorImplementation["plan"]>>;
        try {
          planned = impl.plan
            ? impl.plan(pkg)
            : {
                files: pkg.files.map((file) => ({
                  file: file.name,
                  criterion: file.criterion,
                  target: `(${spec.name})`,
                })),
              };
        } catch (error) {
          throw normalizeError(error, label, redactor, signal);
        }
        return { connector: label, type: spec.name, files: planned.files, skipped: planned.skipped ?? [] };
      },
      async dispose(): Promise<void> {
        if (disposed) return;
        disposed = true;
        try {
          await impl.dispose?.();
        } catch (error) {
          throw normalizeError(error, label, redactor, signal);
        }
      },
    };
  }

  const definition = { name: spec.name, capabilities, config: spec.config, parseConfig, create };
  Object.defineProperty(definition, DEFINITION_BRAND, { value: true });
  return definition;
}
