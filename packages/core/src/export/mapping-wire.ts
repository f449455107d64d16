import type { CheckpointState } from "@iddio-compliance/schema";
import type { ComplianceErrorCode } from "../errors/compliance-error.ts";
import { isSpool, Spool } from "../writers/spool.ts";

/** A spooled list as it crosses threads: where it sits in the documents, its file and length. */
export interface PackedSpool {
  at: (string | number)[];
  file: string;
  total: number;
}

/** What a mapping thread sends back. */
export type MappingReply =
  | { type: "mapped"; buffer: ArrayBuffer }
  | { type: "carried"; state: CheckpointState }
  | { type: "finished"; docs: unknown; spools: PackedSpool[]; unrecognised: Map<string, number> }
  | {
      type: "failed";
      message: string;
      stack: string;
      code?: ComplianceErrorCode;
      subject?: string | undefined;
    };

/**
 * Takes the spooled lists out of the documents (structured clone cannot carry them), closing
 * each: they travel beside the documents, never inside them, so no value read from the log can
 * pass for one.
 */
export function packSpools(docs: unknown): { docs: unknown; spools: PackedSpool[] } {
  const spools: PackedSpool[] = [];
  const walk = (value: unknown, at: (string | number)[]): unknown => {
    if (isSpool(value)) {
      value.close();
      spools.push({ at, file: value.path, total: value.total });
      return null;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...at, i]));
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...at, k])]));
    return value;
  };
  return { docs: walk(docs, []), spools };
}

/** Puts the spooled lists back where {@link packSpools} took them from, as spools to read. */
export function unpackSpools(docs: unknown, spools: readonly PackedSpool[]): unknown {
  for (const { at, file, total } of spools) {
    const parent = at
      .slice(0, -1)
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], docs);
    (parent as Record<string | number, unknown>)[at.at(-1) as string | number] = new Spool(file, { total });
  }
  return docs;
}
