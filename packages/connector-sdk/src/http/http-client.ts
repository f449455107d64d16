import ky, { TimeoutError } from "ky";
import { ConnectorError, type ConnectorErrorInit } from "../errors/connector-error.ts";
import type { Logger } from "../logger/logger.ts";
import type { Redactor } from "../redact/redactor.ts";
import {
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  type RetryOptions,
  resolveRetryOptions,
} from "./retry-policy.ts";
import { sleep as realSleep, type Sleep } from "./sleep.ts";

/** Options of the HTTP client every connector gets in its context. */
export interface HttpOptions {
  /** Time one attempt may take until the response headers arrive. @default 30000 */
  timeoutMs?: number;
  /** Retry policy for 408, 429, 5xx, timeouts and network errors. */
  retry?: RetryOptions;
  /** How to wait between attempts; tests pass one that records the delay and returns at once. @default a timer */
  sleep?: Sleep;
  /** Source of jitter in `[0, 1)`. @default Math.random */
  random?: () => number;
  /** The fetch implementation ky calls. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Sent as `user-agent`. @default "iddio-compliance-connector" */
  userAgent?: string;
}

/** A body, or a function that builds a fresh one for each attempt. */
export type HttpBody = FormData | string | Uint8Array | Blob;

/** Search parameters; an array value repeats the key (`expand[]=a&expand[]=b`). */
export type SearchParams = Record<
  string,
  string | number | boolean | undefined | ReadonlyArray<string | number>
>;

/** One logical request; the client may send it several times. */
export interface HttpRequest {
  /** @default "GET" */
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  url: string | URL;
  searchParams?: SearchParams;
  /** Headers, or a function evaluated before every attempt (fresh token, fresh signature). */
  headers?:
    | Record<string, string>
    | ((attempt: number) => Record<string, string> | Promise<Record<string, string>>);
  /** A JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /** A raw body; `FormData` gets its multipart boundary from fetch. */
  body?: HttpBody | ((attempt: number) => HttpBody | Promise<HttpBody>);
  /** Retry 408/429/5xx/timeouts/network errors. Set `false` for a request that must never be sent twice. @default true */
  retry?: boolean;
  /** Overrides {@link HttpOptions.timeoutMs} for this request. */
  timeoutMs?: number;
  /** Aborts this request (in addition to the connector's and the push's signal). */
  signal?: AbortSignal;
  /**
   * Shared work other pushes may be waiting for (an OAuth token): ignore the current push's signal,
   * so aborting one push does not fail the others. Still bounded by the timeout and the connector's signal.
   * @default false
   */
  detached?: boolean;
}

/** A successful (2xx) answer; the body is parsed as JSON when the server says it is JSON. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  data: T;
}

/** The context's HTTP client: ky with timeouts, bounded retries, backoff, `Retry-After` and typed errors. */
export interface HttpClient {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
}

/** What the client needs from the connector that owns it. */
export interface HttpClientDeps {
  connector: string;
  redactor: Redactor;
  logger: Logger;
  now: () => number;
  /** Signals that abort every request: the connector's and, unless `detached`, the current push's. */
  signals: (detached: boolean) => AbortSignal[];
}

type FailureInit = Omit<ConnectorErrorInit, "connector">;

function toUrl(url: string | URL, params: SearchParams | undefined): URL {
  const out = new URL(url);
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.searchParams.append(key, String(item));
    else out.searchParams.append(key, String(value));
  }
  return out;
}

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

function excerpt(text: string, redactor: Redactor): string {
  const clean = redactor.redact(text).replace(CONTROL_CHARACTERS, " ").trim();
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

function parseBody(text: string, headers: Headers): unknown {
  if (text === "") return undefined;
  const type = headers.get("content-type") ?? "";
  return /[/+]json\b/i.test(type) ? JSON.parse(text) : text;
}

/** Builds the HTTP client of one connector instance. */
export function createHttpClient(options: HttpOptions, deps: HttpClientDeps): HttpClient {
  const retry = resolveRetryOptions(options.retry);
  const wait = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const userAgent = options.userAgent ?? "iddio-compliance-connector";
  const { connector, redactor, logger } = deps;

  const fail = (init: FailureInit): ConnectorError =>
    new ConnectorError({ ...init, connector, message: redactor.redact(init.message) });

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const method = req.method ?? "GET";
    const url = toUrl(req.url, req.searchParams);
    const shownUrl = redactor.redact(url.toString());
    const signal = AbortSignal.any([
      ...deps.signals(req.detached === true),
      ...(req.signal ? [req.signal] : []),
    ]);
    const maxAttempts = req.retry === false ? 1 : retry.limit + 1;
    const aborted = (): ConnectorError =>
      fail({ code: "CONNECTOR_ABORTED", message: `${method} ${shownUrl} was aborted`, retryable: false });

    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw aborted();
      const headers = {
        "user-agent": userAgent,
        ...(typeof req.headers === "function" ? await req.headers(attempt) : req.headers),
      };
      const body = typeof req.body === "function" ? await req.body(attempt) : req.body;
      let failure: FailureInit;
      let retryAfterMs: number | undefined;
      try {
        const response = await ky(url, {
          method,
          headers,
          ...(req.json !== undefined ? { json: req.json } : {}),
          ...(body !== undefined ? { body } : {}),
          timeout: req.timeoutMs ?? timeoutMs,
          signal,
          retry: 0,
          throwHttpErrors: false,
          redirect: "manual",
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
        const text = await response.text();
        logger.debug("http response", { method, url: shownUrl, status: response.status, attempt });
        if (response.status >= 200 && response.status < 300) {
          try {
            return {
              status: response.status,
              headers: response.headers,
              data: parseBody(text, response.headers) as T,
            };
          } catch (error) {
            throw fail({
              code: "CONNECTOR_RESPONSE_INVALID",
              message: `${method} ${shownUrl} answered ${response.status} with a body that is not valid JSON: ${excerpt(text, redactor)}`,
              status: response.status,
              cause: new Error(redactor.redact(String(error))),
            });
          }
        }
        const redirect = response.status >= 300 && response.status < 400;
        failure = {
          code: `CONNECTOR_HTTP_${response.status}`,
          message: `${method} ${shownUrl} answered ${response.status} ${response.statusText}${
            redirect ? " (redirects are not followed)" : ""
          }${text ? `: ${excerpt(text, redactor)}` : ""}`,
          status: response.status,
          retryable: isRetryableStatus(response.status),
        };
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), deps.now());
      } catch (error) {
        if (error instanceof ConnectorError) throw error;
        if (signal.aborted) throw aborted();
        const timedOut = error instanceof TimeoutError || (error as Error)?.name === "TimeoutError";
        failure = {
          code: timedOut ? "CONNECTOR_TIMEOUT" : "CONNECTOR_NETWORK",
          message: timedOut
            ? `${method} ${shownUrl} timed out after ${req.timeoutMs ?? timeoutMs} ms`
            : `${method} ${shownUrl} failed: ${redactor.redact(String((error as Error)?.cause ?? error))}`,
          retryable: true,
          cause: new Error(redactor.redact(String(error))),
        };
      }

      if (!failure.retryable || attempt >= maxAttempts) throw fail(failure);
      if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs) {
        throw fail({
          ...failure,
          message: `${failure.message} (Retry-After asks for ${Math.ceil(retryAfterMs / 1000)} s, more than the ${Math.ceil(retry.maxRetryAfterMs / 1000)} s this client waits)`,
        });
      }
      const delay = retryAfterMs ?? backoffDelay(attempt, retry, random);
      logger.debug("http retry", { method, url: shownUrl, attempt, code: failure.code, delay_ms: delay });
      try {
        await wait(delay, signal);
      } catch {
        throw aborted();
      }
    }
  }

  return { request };
}
