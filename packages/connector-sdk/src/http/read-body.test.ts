import { describe, expect, it } from "vitest";
import { readBoundedBody } from "./read-body.ts";

/** A small deterministic PRNG (mulberry32), so every seed is reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function streamOf(chunks: Uint8Array[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let next = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

describe("readBoundedBody", () => {
  it("returns the body up to the limit, and says whether that was all of it, for any chunking", async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const chunks = Array.from({ length: Math.floor(next() * 8) }, () =>
        Uint8Array.from({ length: Math.floor(next() * 50) }, () => Math.floor(next() * 256)),
      );
      const whole = Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
      const limit = Math.floor(next() * (whole.length + 20));
      const { stream, cancelled } = streamOf(chunks);
      const read = await readBoundedBody(stream, limit, new AbortController().signal);
      expect(read.bytes, `seed ${seed}`).toEqual(whole.subarray(0, Math.min(limit, whole.length)));
      expect(read.complete, `seed ${seed}`).toBe(whole.length <= limit);
      expect(cancelled(), `seed ${seed}`).toBe(whole.length > limit);
    }
  });

  it("cancels the stream and rejects with the reason when the signal aborts mid-body", async () => {
    let cancelled: unknown;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2, 3]));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const controller = new AbortController();
    const reading = readBoundedBody(stream, 1024, controller.signal).catch((error) => error);
    setTimeout(() => controller.abort("stop"), 0);
    expect(await reading).toBe("stop");
    expect(cancelled).toBe("stop");
  });

  it("reads a missing body as empty and complete", async () => {
    expect(await readBoundedBody(null, 0, new AbortController().signal)).toEqual({
      bytes: new Uint8Array(0),
      complete: true,
    });
  });
});
