/** Deepest nesting of a policy snapshot copied into evidence; deeper values are cut. */
export const SNAPSHOT_MAX_DEPTH = 32;
/** Largest policy snapshot copied into evidence (its text, about); a larger one is cut. */
export const SNAPSHOT_MAX_BYTES = 1 << 20;

/** How a snapshot was cut to fit into evidence, or `null` when it is whole. */
export interface SnapshotTruncation {
  reason: "depth" | "size";
  max_depth: number;
  max_bytes: number;
}

/** The marker that stands in for a cut value. */
export const CUT = "[truncated]";

/**
 * A policy snapshot as evidence may copy it: at most {@link SNAPSHOT_MAX_DEPTH} levels deep and
 * about {@link SNAPSHOT_MAX_BYTES} of text. A hash-valid log can hold any JSON (a snapshot 20,000
 * levels deep once made an 800 MB file, since every level is indented); beyond the bounds values
 * are replaced by `"[truncated]"` and the truncation is stated. Iterative: no depth can overflow
 * the stack. The record's own `sha256` of the policy stays the digest of the whole.
 */
export function boundSnapshot(value: unknown): {
  snapshot: unknown;
  snapshot_truncated: SnapshotTruncation | null;
} {
  let bytes = 0;
  let reason: SnapshotTruncation["reason"] | null = null;
  const root: { v: unknown } = { v: undefined };
  // Each task copies `from` into `into[key]` at `depth`.
  const tasks: {
    from: unknown;
    into: Record<string | number, unknown>;
    key: string | number;
    depth: number;
  }[] = [{ from: value, into: root as Record<string, unknown>, key: "v", depth: 0 }];
  while (tasks.length > 0) {
    const { from, into, key, depth } = tasks.pop() as (typeof tasks)[number];
    if (bytes > SNAPSHOT_MAX_BYTES) {
      reason ??= "size";
      into[key] = CUT;
      continue;
    }
    if (from === null || typeof from !== "object") {
      bytes += typeof from === "string" ? from.length + 2 : 8;
      into[key] = from;
      continue;
    }
    if (depth >= SNAPSHOT_MAX_DEPTH) {
      reason ??= "depth";
      into[key] = CUT;
      continue;
    }
    bytes += 2;
    if (Array.isArray(from)) {
      const copy: unknown[] = new Array(from.length);
      into[key] = copy;
      for (let i = from.length - 1; i >= 0; i--)
        tasks.push({
          from: from[i],
          into: copy as unknown as Record<number, unknown>,
          key: i,
          depth: depth + 1,
        });
    } else {
      const copy: Record<string, unknown> = {};
      into[key] = copy;
      const keys = Object.keys(from);
      for (const k of keys) copy[k] = undefined; // keeps the keys in order
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        bytes += k.length + 3;
        tasks.push({ from: (from as Record<string, unknown>)[k], into: copy, key: k, depth: depth + 1 });
      }
    }
  }
  return {
    snapshot: root.v,
    snapshot_truncated:
      reason === null ? null : { reason, max_depth: SNAPSHOT_MAX_DEPTH, max_bytes: SNAPSHOT_MAX_BYTES },
  };
}
