import { describe, expect, it } from "vitest";
import { probeConnector } from "../test-support/probe-connector.ts";

function probe(http: Parameters<typeof probeConnector>[0] = {}) {
  const sleeps: number[] = [];
  const p = probeConnector({
    http: {
      sleep: async (ms, signal) => {
        if (signal.aborted) throw signal.reason;
        sleeps.push(ms);
      },
      random: () => 1,
      retry: { limit: 3, baseDelayMs: 10, maxRetryAfterMs: 60_000 },
    },
    ...http,
  });
  return { ...p, sleeps };
}

describe("ctx.retry", () => {
  it("runs an operation again while it fails retryably, with the HTTP client's backoff", async () => {
    const { ctx, sleeps } = probe();
    const attempts: number[] = [];
    const result = await ctx.retry(async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw ctx.error("CONNECTOR_HTTP_503", "busy", { retryable: true });
      return "stored";
    });
    expect(result).toBe("stored");
    expect(attempts).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([10, 20]);
  });

  it("waits as long as the error's retryAfterMs asks, and stops at one longer than the cap", async () => {
    const { ctx, sleeps } = probe();
    let calls = 0;
    await ctx.retry(async () => {
      if (++calls === 1)
        throw ctx.error("CONNECTOR_HTTP_429", "slow down", { retryable: true, retryAfterMs: 7000 });
    });
    expect(sleeps).toEqual([7000]);
    const tooLong = ctx.error("CONNECTOR_HTTP_429", "come back tomorrow", {
      retryable: true,
      retryAfterMs: 86_400_000,
    });
    await expect(
      ctx.retry(async () => {
        throw tooLong;
      }),
    ).rejects.toBe(tooLong);
    expect(sleeps).toEqual([7000]);
  });

  it("gives up after the retry limit with the last error, and never retries a non-retryable one", async () => {
    const { ctx, sleeps } = probe();
    let calls = 0;
    await expect(
      ctx.retry(async () => {
        throw ctx.error("CONNECTOR_HTTP_503", `busy ${++calls}`, { retryable: true });
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining("busy 4") });
    expect(sleeps).toHaveLength(3);
    for (const error of [ctx.error("CONNECTOR_HTTP_400", "bad"), new Error("plain")]) {
      let tries = 0;
      await expect(
        ctx.retry(async () => {
          tries++;
          throw error;
        }),
      ).rejects.toBe(error);
      expect(tries).toBe(1);
    }
  });

  it("stops waiting with CONNECTOR_ABORTED as soon as the push is aborted", async () => {
    const { inPush } = probeConnector({ http: { retry: { baseDelayMs: 600_000 } } });
    const controller = new AbortController();
    let calls = 0;
    const pushing = inPush(
      (ctx) =>
        ctx.retry(async () => {
          calls++;
          setTimeout(() => controller.abort(), 0);
          throw ctx.error("CONNECTOR_HTTP_503", "busy", { retryable: true });
        }),
      { signal: controller.signal },
    ).catch((e) => e);
    expect(await pushing).toMatchObject({ code: "CONNECTOR_ABORTED", retryable: false });
    expect(calls).toBe(1);
  });
});

describe("ctx.sleep", () => {
  it("waits with the injected sleep, so a connector's own loop is instant in tests", async () => {
    const { ctx, sleeps } = probe();
    await ctx.sleep(30_000);
    await ctx.sleep(5);
    expect(sleeps).toEqual([30_000, 5]);
  });

  it("rejects with CONNECTOR_ABORTED as soon as the push is aborted", async () => {
    const { inPush } = probeConnector();
    const controller = new AbortController();
    const pushing = inPush(
      async (ctx) => {
        setTimeout(() => controller.abort(), 0);
        await ctx.sleep(600_000);
      },
      { signal: controller.signal },
    ).catch((e) => e);
    expect(await pushing).toMatchObject({ code: "CONNECTOR_ABORTED", retryable: false });
  });
});
