const DAY_MS = 86_400_000;

/** A date as `YYYY-MM-DD` (UTC). */
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The last `n` whole calendar months (UTC) before the current one, oldest first: what a fresh
 * `serve` owes with `backfill_from` set to the first one's start (the schedule runs on real time).
 */
export function lastMonths(n: number, now = new Date()): Array<{ from: string; to: string }> {
  return Array.from({ length: n }, (_, i) => {
    const back = n - i;
    const from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1);
    const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 1);
    return { from: isoDate(from), to: isoDate(next - DAY_MS) };
  });
}
