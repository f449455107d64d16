import { isDeepStrictEqual } from "node:util";
import { HEADLINES, readPath } from "../writers/headlines.ts";

/**
 * Where a figure of `summary.json` comes from in the file it summarises: the value at a path (the
 * `length` of an array included, as in `HEADLINES`), or the sum of the numbers of the object there.
 */
type FigureSource = { at: readonly (string | number)[] } | { sumOf: readonly string[] };

/** The summary's `integrity` entry, field by field, in `audit-log-integrity.json`. */
const INTEGRITY_SOURCES: Readonly<Record<string, FigureSource>> = {
  verified: { at: ["verified"] },
  chain_events: { at: ["total_events"] },
  findings: { sumOf: ["finding_counts"] },
  chain_head: { at: ["chain_head"] },
};

/**
 * Fields a summary entry repeats from the top of its criterion file: when either side has one,
 * both must, with equal values. Other fields both sides happen to have are compared too.
 */
const ECHOED_FIELDS = ["criterion", "title", "status", "evidence_strength", "missing_inputs", "reasons"];
/** Entry fields that are not copies of the criterion file's. */
const OWN_FIELDS = new Set(["file", "headline"]);

/** A figure of the summary that differs from the file it summarises. */
export interface MeaningProblem {
  /** The summary's field, as a JSON pointer into `summary.json`. */
  field: string;
  /** The file and pointer the figure comes from. */
  source: string;
  /** The value there (`undefined`: absent). */
  expected: unknown;
  /** The summary's value (`undefined`: absent). */
  actual: unknown;
}

const MISSING = Symbol("missing");

/** The value at an RFC 6901 JSON pointer, or {@link MISSING}. */
function pointer(doc: unknown, path: string): unknown {
  if (path === "") return doc;
  let node = doc;
  for (const raw of path.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return MISSING;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The value at an RFC 6901 JSON pointer in `doc`, or `undefined`. */
export function jsonPointer(doc: unknown, path: string): unknown {
  const value = pointer(doc, path);
  return value === MISSING ? undefined : value;
}

/** Evaluates a {@link FigureSource} against a document (as `headlineOf` reads it); {@link MISSING} when absent. */
function figure(doc: unknown, source: FigureSource): unknown {
  if ("at" in source) {
    const value = readPath(doc, source.at);
    return value === undefined ? MISSING : value;
  }
  const counts = readPath(doc, source.sumOf);
  if (counts === null || typeof counts !== "object") return MISSING;
  return Object.values(counts).reduce((sum: number, n) => sum + (typeof n === "number" ? n : Number.NaN), 0);
}

function describe(source: FigureSource): string {
  return "at" in source ? `/${source.at.join("/")}` : `/${source.sumOf.join("/")} (sum)`;
}

/** The `HEADLINES` key of a criterion id (`CC6.1` → `cc61`), when there is one. */
function headlineKey(criterion: unknown): keyof typeof HEADLINES | null {
  const key = String(criterion).toLowerCase().replaceAll(".", "");
  return Object.hasOwn(HEADLINES, key) ? (key as keyof typeof HEADLINES) : null;
}

const shown = (v: unknown) => (v === MISSING ? undefined : v);

/** A package file as the meaning checks get it: its JSON, or why it cannot be read. */
export type PackageDocument =
  | { doc: unknown }
  /** The manifest check already reported the file (missing or changed): nothing more to say. */
  | { reported: true }
  | { error: string };

/**
 * Checks that a summary says what its files say: each criterion entry's status, strength, reasons
 * and other echoed fields equal its criterion file's, each headline figure equals its declared
 * source, and the integrity entry (and the Merkle root) equal `audit-log-integrity.json`'s.
 * `read(file)` returns a JSON file of the package (which the manifest check covers byte for byte).
 */
export function checkSummaryMeaning(
  summary: Record<string, unknown>,
  read: (file: string) => PackageDocument,
): MeaningProblem[] {
  const problems: MeaningProblem[] = [];
  const load = (field: string, file: string): Record<string, unknown> | null => {
    const got = read(file);
    if ("doc" in got && got.doc !== null && typeof got.doc === "object")
      return got.doc as Record<string, unknown>;
    if (!("reported" in got))
      problems.push({
        field,
        source: file,
        expected: "a JSON object listed in the manifest",
        actual: "error" in got ? got.error : "not a JSON object",
      });
    return null;
  };
  const compare = (field: string, actual: unknown, file: string, at: string, expected: unknown) => {
    if (actual === MISSING && expected === MISSING) return;
    if (actual === MISSING || expected === MISSING || !isDeepStrictEqual(actual, expected))
      problems.push({ field, source: `${file}#${at}`, expected: shown(expected), actual: shown(actual) });
  };

  const criteria = Array.isArray(summary.criteria) ? summary.criteria : [];
  criteria.forEach((raw, i) => {
    const entry = raw as Record<string, unknown>;
    const base = `/criteria/${i}`;
    const file = String(entry.file);
    const doc = load(`${base}/file`, file);
    if (!doc) return;
    const keys = new Set([...ECHOED_FIELDS, ...Object.keys(entry).filter((k) => !OWN_FIELDS.has(k))]);
    for (const key of keys) {
      if (!ECHOED_FIELDS.includes(key) && !Object.hasOwn(doc, key)) continue; // the summary's own addition
      compare(`${base}/${key}`, pointer(entry, `/${key}`), file, `/${key}`, pointer(doc, `/${key}`));
    }
    compare(`${base}/period`, pointer(summary, "/period"), file, "/period", pointer(doc, "/period"));
    const hk = headlineKey(entry.criterion);
    const sources: Record<string, FigureSource> = Object.fromEntries(
      Object.entries(hk ? HEADLINES[hk] : {}).map(([k, at]) => [k, { at }]),
    );
    const headline = (entry.headline ?? {}) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(sources), ...Object.keys(headline)])) {
      const source = sources[key];
      const actual = pointer(headline, `/${key}`);
      if (!source) {
        problems.push({
          field: `${base}/headline/${key}`,
          source: `${file} (no declared source)`,
          expected: undefined,
          actual: shown(actual),
        });
        continue;
      }
      // As the export builds it (`headlineOf`): a figure the file lacks is null.
      const expected = figure(doc, source);
      compare(
        `${base}/headline/${key}`,
        actual,
        file,
        describe(source),
        expected === MISSING ? null : expected,
      );
    }
  });

  const integrity = summary.integrity as Record<string, unknown> | undefined;
  if (integrity) {
    const file = String(integrity.file);
    const doc = load("/integrity/file", file);
    if (!doc) return problems;
    for (const [key, source] of Object.entries(INTEGRITY_SOURCES))
      compare(
        `/integrity/${key}`,
        pointer(integrity, `/${key}`),
        file,
        describe(source),
        figure(doc, source),
      );
    // The Merkle root is in both files; a summary without one must not claim one the log lacks.
    const orNull = (v: unknown) => (v === MISSING ? null : v);
    compare("/merkle", orNull(pointer(summary, "/merkle")), file, "/merkle", orNull(pointer(doc, "/merkle")));
  }
  return problems;
}
