/**
 * Approval wait times for median and p95. Exact percentiles need every value: they are kept as
 * 4-byte integers (a million approvals take 4 MB), far below the event stream they come from.
 */
export class WaitStats {
  #values = new Int32Array(1024);
  #count = 0;

  add(ms: number): void {
    if (this.#count === this.#values.length) {
      const bigger = new Int32Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#count++] = Math.min(Math.max(0, Math.round(ms)), 2 ** 31 - 1);
  }

  /** Median, p95 (nearest rank) and max; `null` when there are no values. */
  summary(): { median: number | null; p95: number | null; max: number | null } {
    if (this.#count === 0) return { median: null, p95: null, max: null };
    const sorted = this.#values.slice(0, this.#count).sort();
    return {
      median: nearestRank(sorted, 0.5),
      p95: nearestRank(sorted, 0.95),
      max: sorted[sorted.length - 1] ?? null,
    };
  }
}

/** Nearest-rank percentile: the smallest value with at least `q` of the values at or below it. */
function nearestRank(sorted: ArrayLike<number>, q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}
