import type { KeyObject } from "node:crypto";
import { basename } from "node:path";
import { isComplianceError } from "../errors/compliance-error.ts";
import { nextDay } from "./previous-link.ts";
import type { PackageSummary } from "./read-package.ts";
import { type PackageVerdict, verifyPackage } from "./verify-package.ts";

/** What is wrong with a series, by kind. */
export type SeriesProblemKind =
  | "package" // a package is not intact, not signed by the key, or has no summary
  | "unsigned" // no key given, and a package is not signed (or by another key than the rest)
  | "misfiled" // a folder named for one period holds another period's package (swapped)
  | "duplicate" // two packages cover the same period
  | "gap" // no package covers some days
  | "overlap" // two packages cover some of the same days
  | "time_zone" // consecutive packages read their dates in different time zones
  | "no_merkle" // a package without a Merkle root cannot be placed in the chain
  | "link" // a package's `previous` does not name the package before it (missing, reordered, re-exported)
  | "chain"; // a package's events do not continue from its predecessor's (gap, overlap, another chain)

/** One problem of a series, with the folders it concerns. */
export interface SeriesProblem {
  kind: SeriesProblemKind;
  /** The folders involved, in series order. */
  dirs: string[];
  message: string;
}

/** One package of the series, in period order. */
export interface SeriesEntry {
  dir: string;
  period: string;
  summarySha256: string | null;
  verdict: PackageVerdict | null;
}

/** The verdict of {@link verifySeries}. */
export interface SeriesVerdict {
  ok: boolean;
  /** The packages in period order. */
  packages: SeriesEntry[];
  problems: SeriesProblem[];
  /** `checked`: against the given key; `not_checked`: no key given (only that all name the same key). */
  signatures: "checked" | "not_checked";
  /** The one key id all packages name, when they do. */
  keyId: string | null;
}

const label = (s: PackageSummary) => `${s.period.from}..${s.period.to}`;
const PERIOD_IN_NAME = /(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})/;

/**
 * Verifies packages as one series, with the packages alone (and the public key), never the log:
 * each package intact and signed by `publicKey`; the periods contiguous (no gap, no overlap, no
 * duplicate); each package's `previous` naming the package before it by period and by the SHA-256
 * of its `summary.json`; and each package's events continuing the chain exactly where its
 * predecessor's end (event index and hash). Folders may be given in any order.
 */
export async function verifySeries(
  dirs: readonly string[],
  options: { publicKey?: KeyObject } = {},
): Promise<SeriesVerdict> {
  const problems: SeriesProblem[] = [];
  const read: { dir: string; verdict: PackageVerdict }[] = [];
  for (const dir of dirs) {
    try {
      read.push({
        dir,
        verdict: await verifyPackage(dir, options.publicKey ? { publicKey: options.publicKey } : {}),
      });
    } catch (error) {
      if (!isComplianceError(error)) throw error;
      problems.push({
        kind: "package",
        dirs: [dir],
        message: `${dir}: ${error.message}`,
      });
    }
  }
  read.sort(
    (a, b) =>
      cmp(a.verdict.summary.period.from, b.verdict.summary.period.from) ||
      cmp(a.verdict.summary.period.to, b.verdict.summary.period.to) ||
      cmp(a.dir, b.dir),
  );

  for (const { dir, verdict } of read) {
    const s = verdict.summary;
    if (!verdict.ok) {
      const what = verdict.problems
        .map((p) => `${p.file}${p.field ? ` ${p.field}` : ""}: ${p.problem}`)
        .join("; ");
      problems.push({ kind: "package", dirs: [dir], message: `${label(s)} (${dir}) is not intact: ${what}` });
    }
    const named = PERIOD_IN_NAME.exec(basename(dir));
    if (named && (named[1] !== s.period.from || named[2] !== s.period.to))
      problems.push({
        kind: "misfiled",
        dirs: [dir],
        message: `${dir} is named for ${named[1]}..${named[2]} but holds the package of ${label(s)} (swapped or misfiled)`,
      });
    if (!s.merkle)
      problems.push({
        kind: "no_merkle",
        dirs: [dir],
        message: `${label(s)} (${dir}) has no Merkle root: exported before series could be checked`,
      });
  }

  // Signatures: against the key, or at least one key for all.
  const keyIds = new Set(read.map((r) => r.verdict.summary.signing?.key_id ?? null));
  if (!options.publicKey) {
    for (const { dir, verdict } of read)
      if (!verdict.summary.signing)
        problems.push({
          kind: "unsigned",
          dirs: [dir],
          message: `${label(verdict.summary)} (${dir}) is not signed`,
        });
    if (keyIds.size > 1)
      problems.push({
        kind: "unsigned",
        dirs: read.map((r) => r.dir),
        message: `the packages name ${keyIds.size} different signing keys: ${read.map((r) => `${label(r.verdict.summary)} ${r.verdict.summary.signing?.key_id ?? "unsigned"}`).join(", ")}`,
      });
  }

  for (let i = 1; i < read.length; i++) {
    const a = read[i - 1] as (typeof read)[number];
    const b = read[i] as (typeof read)[number];
    const pa = a.verdict.summary;
    const pb = b.verdict.summary;
    const both = [a.dir, b.dir];
    if (pa.period.from === pb.period.from && pa.period.to === pb.period.to) {
      const same = a.verdict.summarySha256 === b.verdict.summarySha256;
      problems.push({
        kind: "duplicate",
        dirs: both,
        message: `${a.dir} and ${b.dir} both hold ${label(pa)}${same ? " (identical copies)" : ", with different contents (re-exported)"}`,
      });
      continue;
    }
    if (pa.period.time_zone !== pb.period.time_zone)
      problems.push({
        kind: "time_zone",
        dirs: both,
        message: `${label(pa)} is in ${pa.period.time_zone} but ${label(pb)} is in ${pb.period.time_zone}`,
      });
    const expectedFrom = nextDay(pa.period.to);
    if (pb.period.from > expectedFrom)
      problems.push({
        kind: "gap",
        dirs: both,
        message: `gap: no package covers ${expectedFrom}..${previousDay(pb.period.from)} (between ${label(pa)} in ${a.dir} and ${label(pb)} in ${b.dir})`,
      });
    else if (pb.period.from < expectedFrom)
      problems.push({
        kind: "overlap",
        dirs: both,
        message: `overlap: ${pb.period.from}..${[pa.period.to, pb.period.to].sort()[0]} is in both ${label(pa)} (${a.dir}) and ${label(pb)} (${b.dir})`,
      });
    checkLink(a, b, problems);
    checkChain(a, b, problems);
  }

  return {
    ok: problems.length === 0,
    packages: read.map(({ dir, verdict }) => ({
      dir,
      period: label(verdict.summary),
      summarySha256: verdict.summarySha256,
      verdict,
    })),
    problems,
    signatures: options.publicKey ? "checked" : "not_checked",
    keyId: keyIds.size === 1 ? ([...keyIds][0] ?? null) : null,
  };
}

type Read = { dir: string; verdict: PackageVerdict };

/** `b.previous` must name `a`: its period and the SHA-256 of its summary.json, and where it ends. */
function checkLink(a: Read, b: Read, problems: SeriesProblem[]): void {
  const pa = a.verdict.summary;
  const pb = b.verdict.summary;
  const link = pb.previous;
  const dirs = [a.dir, b.dir];
  if (!link) {
    problems.push({
      kind: "link",
      dirs,
      message: `${label(pb)} (${b.dir}) records no predecessor; ${label(pa)} (${a.dir}) comes before it`,
    });
    return;
  }
  if (link.period.from !== pa.period.from || link.period.to !== pa.period.to) {
    problems.push({
      kind: "link",
      dirs,
      message: `${label(pb)} (${b.dir}) follows ${link.period.from}..${link.period.to} by its link, but the package before it is ${label(pa)} (${a.dir}): missing, reordered or swapped`,
    });
    return;
  }
  if (link.summary_sha256 !== a.verdict.summarySha256) {
    problems.push({
      kind: "link",
      dirs,
      message: `${label(pa)} (${a.dir}) is not the package ${label(pb)} links to: its summary.json has SHA-256 ${a.verdict.summarySha256}, the link says ${link.summary_sha256} (re-exported or replaced after ${label(pb)} was written)`,
    });
  }
}

/** `b`'s events must start right after `a`'s, the first linking to `a`'s last. */
function checkChain(a: Read, b: Read, problems: SeriesProblem[]): void {
  const pa = a.verdict.summary;
  const pb = b.verdict.summary;
  if (!pa.merkle || !pb.merkle) return;
  const dirs = [a.dir, b.dir];
  const end = pa.merkle.last ? pa.merkle.last.index + 1 : pa.previous?.events_through;
  const head = pa.merkle.last ? pa.merkle.last.hash : pa.previous?.chain_head;
  const first = pb.merkle.first;
  const start = first ? first.index : pb.previous?.events_through;
  if (end === undefined || start === undefined) return; // both empty and unlinked: nothing to place
  if (start > end)
    problems.push({
      kind: "chain",
      dirs,
      message: `events ${end}..${start - 1} of the chain are in no package: ${label(pa)} ends after event ${end - 1}, ${label(pb)} starts at event ${start}`,
    });
  else if (start < end)
    problems.push({
      kind: "chain",
      dirs,
      message: `events ${start}..${end - 1} of the chain are in both ${label(pa)} and ${label(pb)} (out of order or exported from different logs)`,
    });
  else if (first && head !== undefined && first.prev_hash !== head)
    problems.push({
      kind: "chain",
      dirs,
      message: `${label(pb)}'s first event (index ${first.index}) links to ${first.prev_hash}, but ${label(pa)}'s last event is ${head}: not the same chain (re-exported from a rewritten log?)`,
    });
}

function previousDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
