import { SIGNATURE_FILE, SUMMARY_FILE } from "./package-files.ts";

/** One manifest entry as the comparison reads it (a `summary.json` manifest entry, or any object with these fields). */
export interface ManifestItem {
  file: string;
  bytes: number;
  sha256: string;
}

/** A file that is actually in the package (a folder entry, a storage object, a file an auditor picked). */
export interface PresentFile {
  name: string;
  /** Its size in bytes; `null` when the entry is not a regular file (a folder). */
  size: number | null;
}

/** Why a package does not match its manifest. */
export type ManifestProblemKind =
  | "unsafe_name"
  | "duplicate"
  | "missing"
  | "size_mismatch"
  | "digest_mismatch"
  | "not_in_manifest";

/** One difference between a manifest and the files that are there. */
export interface ManifestProblem {
  file: string;
  problem: ManifestProblemKind;
  /** What the manifest says (size in bytes, or SHA-256), when it says something. */
  expected: string | null;
  /** What was found, when something was. */
  actual: string | null;
}

/** Whether `name` is a plain file name inside a package folder (no path, not hidden, not the summary or its signature). */
function isPackageFileName(name: string): boolean {
  return (
    name !== "" &&
    !name.includes("/") &&
    !name.includes("\\") &&
    !name.startsWith(".") &&
    name !== SUMMARY_FILE &&
    name !== SIGNATURE_FILE
  );
}

/**
 * Compares a package's manifest with the files that are there (DESIGN §5): every listed file is
 * present with its size and SHA-256, and nothing else is there but `summary.json` and, when the
 * summary is signed, `summary.json.sig`. Reading and hashing stay with the caller: `sha256Of` is
 * asked, one file at a time, only for a listed file whose size matches. Problems come in manifest
 * order, then the unlisted files by name; an empty list means the package matches.
 */
export async function checkManifest(
  summary: { manifest: readonly ManifestItem[]; signing?: unknown },
  present: Iterable<PresentFile>,
  sha256Of: (name: string) => string | Promise<string>,
): Promise<ManifestProblem[]> {
  const sizes = new Map<string, number | null>();
  for (const file of present) sizes.set(file.name, file.size);
  const problems: ManifestProblem[] = [];
  const listed = new Set<string>();
  for (const entry of summary.manifest) {
    const name = entry.file;
    const expected = entry.sha256;
    if (!isPackageFileName(name)) {
      problems.push({ file: name, problem: "unsafe_name", expected, actual: null });
      continue;
    }
    if (listed.has(name)) {
      problems.push({ file: name, problem: "duplicate", expected, actual: null });
      continue;
    }
    listed.add(name);
    const size = sizes.get(name);
    if (size === undefined || size === null) {
      problems.push({
        file: name,
        problem: "missing",
        expected,
        actual: size === null ? "not a regular file" : null,
      });
    } else if (size !== entry.bytes) {
      problems.push({
        file: name,
        problem: "size_mismatch",
        expected: String(entry.bytes),
        actual: String(size),
      });
    } else {
      const actual = await sha256Of(name);
      if (actual !== expected) problems.push({ file: name, problem: "digest_mismatch", expected, actual });
    }
  }
  const signed = summary.signing !== undefined && summary.signing !== null;
  const unlisted = [...sizes.keys()]
    .filter((name) => !listed.has(name) && name !== SUMMARY_FILE && !(signed && name === SIGNATURE_FILE))
    .sort();
  for (const name of unlisted)
    problems.push({ file: name, problem: "not_in_manifest", expected: null, actual: null });
  return problems;
}

/** One sentence naming the file and the difference, e.g. `"a.json" has 2 bytes but the manifest says 10`. */
export function describeManifestProblem(p: ManifestProblem): string {
  switch (p.problem) {
    case "unsafe_name":
      return `the manifest lists "${p.file}", which is not a file name inside the package`;
    case "duplicate":
      return `the manifest lists "${p.file}" twice`;
    case "missing":
      return `"${p.file}" is missing${p.actual ? ` (${p.actual})` : ""}`;
    case "size_mismatch":
      return `"${p.file}" has ${p.actual} bytes but the manifest says ${p.expected}`;
    case "digest_mismatch":
      return `"${p.file}" has SHA-256 ${p.actual} but the manifest says ${p.expected}`;
    case "not_in_manifest":
      return `"${p.file}" is not listed in the manifest`;
  }
}
