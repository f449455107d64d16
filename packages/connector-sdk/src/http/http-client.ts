import { ConnectorError, type ConnectorErrorInit, isConnectorError } from "../errors/connector-error.ts";
import type { Logger } from "../logger/logger.ts";
import type { Redactor } from "../redact/redactor.ts";
import { linkSignals } from "./linked-signal.ts";
import { readBoundedBody } from "./read-body.ts";
import type { Retrier } from "./retry.ts";
import { isRetryableStatus, parseRetryAfter, type RetryOptions } from "./retry-policy.ts";
import type { Sleep } from "./sleep.ts";

/** Options of the HTTP client every connector gets in its context. */
export interface HttpOptions {
  /**
   * Deadline of one attempt, from sending the request to the last byte of the answer (headers and
   * body); past it the attempt is cancelled and fails with the retryable `CONNECTOR_TIMEOUT`.
   * @default 60000
   */
  timeoutMs?: number;
  /**
   * Largest successful answer read, in bytes; a longer body is cancelled unread and the request fails
   * with `CONNECTOR_RESPONSE_TOO_LARGE` (not retryable: the same request would get the same answer).
   * @default 16777216
   */
  maxResponseBytes?: number;
  /** Retry policy for 408, 429, 5xx, timeouts and network errors. */
  retry?: RetryOptions;
  /** How to wait between attempts and in `ctx.sleep`; tests pass one that records the delay and returns at once. @default a timer */
  sleep?: Sleep;
  /** Source of jitter in `[0, 1)`. @default Math.random */
  random?: () => number;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Sent as `user-agent`. @default "iddio-compliance-connector" */
  userAgent?: string;
}

/** A request body; a function in {@link HttpRequest.body} builds a fresh one for each attempt. */
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

/** The context's HTTP client: fetch with a deadline per attempt, a bounded body, retries and typed errors. */
export interface HttpClient {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
}

/** What the client needs from the connector that owns it. */
export interface HttpClientDeps {
  connector: string;
  redactor: Redactor;
  logger: Logger;
  now: () => number;
  /** The connector's retry loop (shared with `ctx.retry`). */
  retry: Retrier;
  /** The longest `Retry-After` the retry loop waits for, for messages. */
  maxRetryAfterMs: number;
  /** Signals that abort every request: the connector's and, unless `detached`, the current push's. */
  signals: (detached: boolean) => AbortSignal[];
}

type FailureInit = Omit<ConnectorErrorInit, "connector">;

/** Bytes of an error answer read for its message; the rest is not read. */
const ERROR_BODY_BYTES = 64 * 1024;

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
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const defaultTimeoutMs = options.timeoutMs ?? 60_000;
  const maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  const userAgent = options.userAgent ?? "iddio-compliance-connector";
  const { connector, redactor, logger } = deps;
  // Failures of an attempt itself, the only ones the client retries (a failed token fetch inside
  // `headers` was retried by its own request already).
  const attemptFailures = new WeakSet<ConnectorError>();

  const fail = (init: FailureInit): ConnectorError => {
    const error = new ConnectorError({ ...init, connector, message: redactor.redact(init.message) });
    attemptFailures.add(error);
    return error;
  };

  /** The failure of a non-2xx answer: its status decides whether it is retried, `Retry-After` how soon. */
  const statusFailure = (what: string, response: Response, text: string): FailureInit => {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), deps.now());
    const redirect = response.status >= 300 && response.status < 400;
    const tooLong = retryAfterMs !== undefined && retryAfterMs > deps.maxRetryAfterMs;
    return {
      code: `CONNECTOR_HTTP_${response.status}`,
      message: `${what} answered ${response.status} ${response.statusText}${
        redirect ? " (redirects are not followed)" : ""
      }${text ? `: ${excerpt(text, redactor)}` : ""}${
        tooLong
          ? ` (Retry-After asks for ${Math.ceil(retryAfterMs / 1000)} s, more than the ${Math.ceil(deps.maxRetryAfterMs / 1000)} s this client waits)`
          : ""
      }`,
      status: response.status,
      retryable: isRetryableStatus(response.status),
      retryAfterMs,
    };
  };

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const method = req.method ?? "GET";
    const url = toUrl(req.url, req.searchParams);
    const shownUrl = redactor.redact(url.toString());
    const timeoutMs = req.timeoutMs ?? defaultTimeoutMs;
    const linked = linkSignals([...deps.signals(req.detached === true), ...(req.signal ? [req.signal] : [])]);
    const signal = linked.signal;
    const aborted = (): ConnectorError =>
      new ConnectorError({
        code: "CONNECTOR_ABORTED",
        connector,
        message: `${method} ${shownUrl} was aborted`,
        retryable: false,
      });

    // A header value HTTP cannot carry (a newline, a character above U+00FF) is a config mistake,
    // usually in the API key: never retried, and the value (a secret) is never repeated.
    const unsendable = (header: string | null): ConnectorError =>
      fail({
        code: "CONNECTOR_CONFIG_INVALID",
        message: `${method} ${shownUrl} could not be sent: ${header ? `the ${header} header` : "a header"} holds a character HTTP headers cannot carry (look for a stray newline or a non-ASCII character in the API key, token or secret)`,
        retryable: false,
      });

    async function attempt(number: number): Promise<HttpResponse<T>> {
      const headers = new Headers({ "user-agent": userAgent });
      if (req.json !== undefined) headers.set("content-type", "application/json");
      const extra = typeof req.headers === "function" ? await req.headers(number) : req.headers;
      for (const [name, value] of Object.entries(extra ?? {})) {
        try {
          headers.set(name, value);
        } catch {
          throw unsendable(name);
        }
      }
      const body =
        req.json !== undefined
          ? JSON.stringify(req.json)
          : typeof req.body === "function"
            ? await req.body(number)
            : req.body;

      // One deadline for the whole attempt: connecting, sending, the headers and every body byte.
      const attemptLink = linkSignals([signal]);
      const attemptSignal = attemptLink.signal;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        attemptLink.abort(new Error(`deadline of ${timeoutMs} ms`));
      }, timeoutMs);
      try {
        const response = await fetchImpl(url, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: attemptSignal,
          redirect: "manual",
        });
        const ok = response.status >= 200 && response.status < 300;
        const read = await readBoundedBody(
          response.body,
          ok ? maxResponseBytes : ERROR_BODY_BYTES,
          attemptSignal,
        );
        const text = new TextDecoder().decode(read.bytes);
        logger.debug("http response", { method, url: shownUrl, status: response.status, attempt: number });
        if (ok) {
          if (!read.complete)
            throw fail({
              code: "CONNECTOR_RESPONSE_TOO_LARGE",
              message: `${method} ${shownUrl} answered ${response.status} with a body longer than ${maxResponseBytes} bytes (option http.maxResponseBytes); it was not read`,
              status: response.status,
              retryable: false,
            });
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
        throw fail(statusFailure(`${method} ${shownUrl}`, response, text));
      } catch (error) {
        if (isConnectorError(error)) throw error;
        if (signal.aborted) throw aborted();
        if (timedOut)
          throw fail({
            code: "CONNECTOR_TIMEOUT",
            message: `${method} ${shownUrl} did not complete within ${timeoutMs} ms`,
            retryable: true,
          });
        // fetch refuses a request it cannot build (a header value with a newline or a character
        // above U+00FF) with a TypeError that has no cause and quotes the value: a config error,
        // never retried, and never repeated (the value is usually the API key).
        if (error instanceof TypeError && error.cause === undefined) throw unsendable(null);
        const cause = (error as Error)?.cause ?? error;
        throw fail({
          code: "CONNECTOR_NETWORK",
          message: `${method} ${shownUrl} failed: ${redactor.redact(String(cause))}`,
          retryable: true,
          cause: new Error(redactor.redact(String(error))),
        });
      } finally {
        clearTimeout(timer);
        attemptLink.unlink();
      }
    }

    try {
      return await deps.retry(attempt, {
        signal,
        aborted,
        ...(req.retry === false ? { limit: 0 } : {}),
        retryIf: (error) => attemptFailures.has(error),
      });
    } finally {
      linked.unlink();
    }
  }

  return { request };
}
