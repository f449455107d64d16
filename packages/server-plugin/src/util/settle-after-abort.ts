/**
 * Waits for `work`, but once `signal` aborts no longer than `graceMs` more: a shutdown that told
 * its work to stop must end even when the work ignores the signal (a hung connector). Resolves
 * `true` when the work settled, `false` when the grace ran out first. Real time, unref'd timer.
 */
export async function settleAfterAbort(
  work: Promise<unknown>,
  signal: AbortSignal | undefined,
  graceMs: number,
): Promise<boolean> {
  const settled = work.then(
    () => true,
    () => true,
  );
  if (!signal) return settled;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const gaveUp = new Promise<boolean>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve(false), graceMs);
      timer.unref();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([settled, gaveUp]);
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
