/** Presentation of values: the figures themselves come from the documents, unchanged. */

const INTEGER = new Intl.NumberFormat("en-US");

/** A number as people read it (`42,427`); `—` when absent. */
export function formatNumber(value: number | null): string {
  if (value === null) return "—";
  return Number.isInteger(value) ? INTEGER.format(value) : String(value);
}

/** Milliseconds as a duration (`17.4 s`, `1.2 min`). */
export function formatMs(value: number | null): string {
  if (value === null) return "—";
  if (value < 1000) return `${INTEGER.format(value)} ms`;
  if (value < 120_000) return `${(value / 1000).toFixed(1)} s`;
  return `${(value / 60_000).toFixed(1)} min`;
}

/** A headline or table value as text; keys ending in `_ms` read as durations. */
export function formatValue(value: unknown, key = ""): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return key.endsWith("_ms") ? formatMs(value) : formatNumber(value);
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((v) => formatValue(v)).join(", ");
  return JSON.stringify(value);
}

/** `approval_wait_median_ms` → `Approval wait median ms`. */
export function humanise(key: string): string {
  const text = key.replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A long hex digest shortened for reading, the full value kept for copying elsewhere. */
export function shortHash(hash: string | null): string {
  if (!hash) return "—";
  return hash.length > 20 ? `${hash.slice(0, 16)}…` : hash;
}
