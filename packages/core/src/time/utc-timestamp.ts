const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const FRACTION = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}\.(\d+)/;

/**
 * A log timestamp as evidence states it: RFC 3339 in UTC (`Z`), with the fractional digits the
 * log had (none, milliseconds, or Go's nanoseconds), whatever offset it was written with.
 * `ms` is the instant the timestamp denotes (already parsed by the reader).
 */
export function utcTimestamp(raw: string, ms: number): string {
  if (CANONICAL.test(raw)) return raw;
  const seconds = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  const fraction = FRACTION.exec(raw)?.[1];
  return fraction === undefined ? `${seconds}Z` : `${seconds}.${fraction}Z`;
}
