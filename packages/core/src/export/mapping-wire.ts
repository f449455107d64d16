import type { ComplianceErrorCode } from "../errors/compliance-error.ts";
import { isSpool, Spool } from "../writers/spool.ts";

/** What a mapping thread sends back. */
export type MappingReply =
  | { type: "mapped"; buffer: ArrayBuffer }
  | { type: "finished"; docs: unknown; unrecognised: Map<string, number> }
  | {
      type: "failed";
      message: string;
      stack: string;
      code?: ComplianceErrorCode;
      subject?: string | undefined;
    };

/** A spooled list as it crosses threads: its file and length (the file is closed first). */
interface PackedSpool {
  "iddio-compliance.spool": string;
  total: number;
}

const MARK = "iddio-compliance.spool";

/** Replaces every spooled list in a document by its file name, closing it (structured clone cannot carry it). */
export function packSpools(value: unknown): unknown {
  if (isSpool(value)) {
    value.close();
    return { [MARK]: value.path, total: value.total } satisfies PackedSpool;
  }
  if (Array.isArray(value)) return value.map(packSpools);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, packSpools(v)]));
  return value;
}

/** Turns packed spools back into spools to read from. */
export function unpackSpools(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unpackSpools);
  if (value !== null && typeof value === "object") {
    const packed = value as Partial<PackedSpool>;
    if (typeof packed[MARK] === "string") return new Spool(packed[MARK], { total: packed.total ?? 0 });
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unpackSpools(v)]));
  }
  return value;
}
