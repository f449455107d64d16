import { describe, expect, it } from "vitest";
import { backoffDelay, isRetryableStatus, parseRetryAfter, resolveRetryOptions } from "./retry-policy.ts";

describe("retry policy", () => {
  const options = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000 });

  it("retries 408, 429 and 5xx but no other status", () => {
    expect([408, 429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
    expect([200, 301, 400, 401, 403, 404, 409, 410, 413, 422].some(isRetryableStatus)).toBe(false);
  });

  it("doubles the delay with each retry up to the cap, with jitter between half and all of it", () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, options, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect([1, 2, 3].map((retry) => backoffDelay(retry, options, () => 0))).toEqual([50, 100, 200]);
    expect(backoffDelay(5000, { baseDelayMs: 0, maxDelayMs: 1000 }, () => 1)).toBe(0);
    expect(backoffDelay(5000, options, () => 1)).toBe(1000);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("fills defaults: three retries from 500 ms, a 60 s Retry-After cap", () => {
    expect(resolveRetryOptions()).toEqual({
      limit: 3,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 60_000,
    });
  });
});
