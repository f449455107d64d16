const DAY = 86_400_000;

/**
 * Positions on the period's time axis. Days are drawn as UTC days from `from` to the end of `to`:
 * a drawing aid only (a timestamp near midnight in another zone may sit a few hours off); every
 * figure and date shown as text is the document's own.
 */
export interface TimeScale {
  start: number;
  end: number;
  /** x of an instant (ms since epoch), clamped to the axis. */
  x(ms: number): number;
  /** Ticks at month starts (or week starts in short periods), with labels. */
  ticks(): { x: number; label: string }[];
}

/** The time scale of a period `{from, to}` (inclusive dates) over [x0, x1]. */
export function timeScale(from: string, to: string, x0: number, x1: number): TimeScale | null {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`) + DAY;
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return null;
  const x = (ms: number) => x0 + ((Math.min(Math.max(ms, start), end) - start) / (end - start)) * (x1 - x0);
  const ticks = () => {
    const out: { x: number; label: string }[] = [];
    const days = (end - start) / DAY;
    if (days <= 45) {
      for (let t = start; t < end && out.length < 60; t += 7 * DAY)
        out.push({ x: x(t), label: new Date(t).toISOString().slice(5, 10) });
      return out;
    }
    const d = new Date(start);
    let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    if (t < start) t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const step = days > 800 ? 3 : 1;
    while (t < end && out.length < 120) {
      out.push({ x: x(t), label: new Date(t).toISOString().slice(0, 7) });
      const m = new Date(t);
      t = Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + step, 1);
    }
    return out;
  };
  return { start, end, x, ticks };
}

/** An RFC 3339 timestamp (or date) as ms since epoch, or null. */
export function instant(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isFinite(ms) ? ms : null;
}
