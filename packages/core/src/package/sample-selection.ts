import { createHash } from "node:crypto";

/** The selection algorithm's name, recorded in every sample file. */
export const SELECTION_ALGORITHM = "iddio-compliance-sample/v1";

/**
 * The key every draw of a sample derives from: hex SHA-256 of
 * `"iddio-compliance-sample/v1\n" + population + "\n" + summarySha256 + "\n" + seed` (UTF-8). The
 * package's summary digest is in it, so a seed chosen before the package existed cannot be aimed.
 */
export function selectionKey(population: string, summarySha256: string, seed: string): string {
  return createHash("sha256")
    .update(`${SELECTION_ALGORITHM}\n${population}\n${summarySha256}\n${seed}`, "utf8")
    .digest("hex");
}

const RANGE = 2 ** 52;

/**
 * Picks `size` distinct positions of `0 … populationSize − 1`, uniformly, in draw order. For
 * counter = 0, 1, 2, …: `d = SHA-256(key + ":" + counter)` (ASCII, counter in decimal); `x` = the
 * first 13 hex digits of `d` as an integer (52 bits); skip `x` when `x ≥ floor(2^52 / M) × M`
 * (so every position is equally likely); the position is `x mod M`; skip one already drawn. With
 * `size ≥ M` every position is drawn, in order.
 */
export function selectPositions(key: string, populationSize: number, size: number): number[] {
  if (!Number.isSafeInteger(populationSize) || populationSize < 0 || populationSize >= RANGE)
    throw new RangeError(`selectPositions: population size ${populationSize}`);
  if (size >= populationSize) return Array.from({ length: populationSize }, (_, i) => i);
  const limit = Math.floor(RANGE / populationSize) * populationSize;
  const chosen = new Set<number>();
  const order: number[] = [];
  // Each counter is accepted with probability > 1/2 and repeats get rarer as size < M: ends
  // after about M · ln(M / (M − size)) draws at most on average.
  for (let counter = 0; order.length < size; counter++) {
    const digest = createHash("sha256").update(`${key}:${counter}`, "latin1").digest("hex");
    const x = Number.parseInt(digest.slice(0, 13), 16);
    if (x >= limit) continue;
    const position = x % populationSize;
    if (chosen.has(position)) continue;
    chosen.add(position);
    order.push(position);
  }
  return order;
}
