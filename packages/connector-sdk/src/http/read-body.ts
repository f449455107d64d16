/** A body read up to a bound. */
export interface BoundedBody {
  /** The bytes read: the whole body, or its first `limit` bytes. */
  bytes: Uint8Array;
  /** False when the body was longer than the bound and the rest was not read. */
  complete: boolean;
}

/**
 * Reads a response body chunk by chunk and stops past `limit` bytes, cancelling the stream (which
 * closes the connection), so memory stays bounded whatever the server sends. An abort of `signal`
 * cancels the stream too and rejects with its reason, even when the stream itself ignores it.
 */
export async function readBoundedBody(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  signal: AbortSignal,
): Promise<BoundedBody> {
  if (body === null) return { bytes: new Uint8Array(0), complete: true };
  const reader = body.getReader();
  const cancel = (reason?: unknown): void => void reader.cancel(reason).catch(() => {});
  const onAbort = (): void => cancel(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  let complete = true;
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason;
      if (done) break;
      if (total + value.byteLength > limit) {
        chunks.push(value.subarray(0, limit - total));
        total = limit;
        complete = false;
        cancel();
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, complete };
}
