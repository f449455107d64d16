// A scratch folder per test file for generated homes, removed afterwards.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/** Registers the folder's hooks; the returned function names a new, not yet existing home folder. */
export function useScratch(prefix = "iddio-sim-"): () => string {
  let scratch = "";
  let counter = 0;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (scratch !== "") await rm(scratch, { recursive: true, force: true });
  });
  return () => join(scratch, `home-${counter++}`);
}

/** RFC 3339 as the simulator may write it: `Z` or a numeric offset, no fraction or 1–9 digits. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The instant (epoch ms) of an RFC 3339 timestamp, checked against {@link RFC3339} first. */
export function instantOf(timestamp: unknown): number {
  if (typeof timestamp !== "string" || !RFC3339.test(timestamp))
    throw new Error(`not an RFC 3339 timestamp: ${JSON.stringify(timestamp)}`);
  return Date.parse(timestamp);
}
