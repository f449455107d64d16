import { isDeepStrictEqual } from "node:util";

/**
 * Where a figure of `summary.json` comes from in the file it summarises: the value at a JSON
 * pointer (RFC 6901), the length of the array there, or the sum of the numbers of the object there.
 */
export type FigureSource = { at: string } | { countOf: string } | { sumOf: string };

/**
 * The one declaration of what each criterion's headline figures are, by criterion id: the export
 * builds the summary's `headline` from it and `verify-package` checks the summary against it.
 */
export const HEADLINE_SOURCES: Readonly<Record<string, Readonly<Record<string, FigureSource>>>> = {
  "CC6.1": {
    agents: { at: "/population/agents" },
    command_events: { at: "/population/command_events" },
    denied_requests: { at: "/population/denied_requests" },
    policy_changes: { countOf: "/policy/changes" },
  },
  "CC6.2": {
    tokens: { at: "/population/tokens" },
    certificates: { at: "/population/certificates" },
    jit_issuances: { at: "/population/jit_issuances" },
    findings: { countOf: "/findings" },
  },
  "CC6.3": {
    policy_changes: { at: "/population/policy_changes" },
    escalations: { at: "/population/escalations" },
    approvals_granted: { at: "/approvals/granted" },
    approvals_denied: { at: "/approvals/denied" },
    approvals_expired: { at: "/approvals/expired" },
    unresolved_escalations: { at: "/unresolved_escalations/total" },
    break_glass_events: { at: "/break_glass/total" },
    approval_wait_median_ms: { at: "/approvals/wait_ms/median" },
  },
  "CC7.2": {
    total_events: { at: "/audit_log/total_events" },
    hash_chain_verified: { at: "/audit_log/hash_chain_verified" },
    gaps_detected: { at: "/audit_log/gaps_detected" },
    exec_sessions: { at: "/session_recordings/exec_sessions" },
    api_sessions: { at: "/session_recordings/api_sessions" },
    silent_periods: { countOf: "/silent_periods" },
  },
};

/** The summary's `integrity` entry, field by field, in `audit-log-integrity.json`. */
export const INTEGRITY_SOURCES: Readonly<Record<string, FigureSource>> = {
  verified: { at: "/verified" },
  total_events: { at: "/total_events" },
  findings: { sumOf: "/finding_counts" },
  chain_head: { at: "/chain_head" },
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

/** Evaluates a {@link FigureSource} against a document; {@link MISSING} when it does not apply. */
function figure(doc: unknown, source: FigureSource): unknown {
  if ("at" in source) return pointer(doc, source.at);
  if ("countOf" in source) {
    const list = pointer(doc, source.countOf);
    return Array.isArray(list) ? list.length : MISSING;
  }
  const counts = pointer(doc, source.sumOf);
  if (counts === null || typeof counts !== "object") return MISSING;
  return Object.values(counts).reduce((sum: number, n) => sum + (typeof n === "number" ? n : Number.NaN), 0);
}

function describe(source: FigureSource): string {
  return "at" in source
    ? source.at
    : "countOf" in source
      ? `${source.countOf} (length)`
      : `${source.sumOf} (sum)`;
}

/** A criterion's headline figures, read from its document by {@link HEADLINE_SOURCES}. */
export function headlineOf(
  criterion: string,
  doc: unknown,
): Record<string, number | string | boolean | null> {
  const sources = HEADLINE_SOURCES[criterion];
  if (!sources) throw new Error(`headlineOf: no headline declared for criterion ${criterion}`);
  const out: Record<string, number | string | boolean | null> = {};
  for (const [key, source] of Object.entries(sources)) {
    const value = figure(doc, source);
    if (value === MISSING) throw new Error(`headlineOf: ${criterion} has nothing at ${describe(source)}`);
    out[key] = value as number | string | boolean | null;
  }
  return out;
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
    const sources = HEADLINE_SOURCES[String(entry.criterion)] ?? {};
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
      compare(`${base}/headline/${key}`, actual, file, describe(source), figure(doc, source));
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
