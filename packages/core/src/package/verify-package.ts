import { createHash, type KeyObject } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkSummaryMeaning, type PackageDocument } from "./meaning.ts";
import { type PackageSummary, readSummaryFile, SIGNATURE_FILE } from "./read-package.ts";
import { keyIdOf, verifySignature } from "./signing.ts";

/** One problem found in a package. */
export interface PackageProblem {
  file: string;
  problem:
    | "missing"
    | "size_mismatch"
    | "digest_mismatch"
    | "not_in_manifest"
    | "signature_missing"
    | "signature_invalid"
    | "key_mismatch"
    | "meaning_mismatch";
  expected: string | null;
  actual: string | null;
  /** For `meaning_mismatch`: the field of `summary.json` (a JSON pointer) and where its value comes from. */
  field?: string;
  source?: string;
}

/** What the signature check found. */
export interface SignatureCheck {
  /** `valid`/`invalid` against the given key; `not_checked` when signed but no key was given; `absent` when unsigned. */
  status: "valid" | "invalid" | "not_checked" | "absent";
  /** The key id the summary names (`signing.key_id`), or null when it names none. */
  keyId: string | null;
}

/** The verdict of {@link verifyPackage}. */
export interface PackageVerdict {
  ok: boolean;
  summary: PackageSummary;
  /** SHA-256 of `summary.json`'s bytes (what a successor's `previous.summary_sha256` holds). */
  summarySha256: string;
  /** Files checked: the manifest's and `summary.json`. */
  files: number;
  problems: PackageProblem[];
  signature: SignatureCheck;
  /** Whether the summary's figures were compared with the files (`csv`: criterion files hold rows, not statuses). */
  meaning: "checked" | "not_checked_csv";
}

/** Options of {@link verifyPackage}. */
export interface VerifyPackageOptions {
  /** The exporter's public key: the signature must be valid and by this key. */
  publicKey?: KeyObject;
}

/**
 * Checks an evidence package on its own: every file the manifest in `summary.json` lists is present
 * with its size and SHA-256 and no other file is there; the summary's statuses, reasons and
 * headline figures equal its files' (JSON packages); and, with `publicKey`, `summary.json.sig` is
 * a valid Ed25519 signature of `summary.json` by that key. Throws only when `summary.json` is
 * missing or not a valid summary.
 */
export async function verifyPackage(
  dir: string,
  options: VerifyPackageOptions = {},
): Promise<PackageVerdict> {
  const file = readSummaryFile(dir);
  const { summary } = file;
  const problems: PackageProblem[] = [];
  const listed = new Set<string>();
  const intact = new Set<string>();
  for (const entry of summary.manifest) {
    listed.add(entry.file);
    const path = join(dir, entry.file);
    if (entry.file.includes("/") || entry.file.includes("\\") || entry.file.startsWith(".")) {
      problems.push({
        file: entry.file,
        problem: "missing",
        expected: entry.sha256,
        actual: "unsafe file name",
      });
      continue;
    }
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      problems.push({ file: entry.file, problem: "missing", expected: entry.sha256, actual: null });
      continue;
    }
    if (size !== entry.bytes) {
      problems.push({
        file: entry.file,
        problem: "size_mismatch",
        expected: String(entry.bytes),
        actual: String(size),
      });
      continue;
    }
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const actual = hash.digest("hex");
    if (actual !== entry.sha256)
      problems.push({ file: entry.file, problem: "digest_mismatch", expected: entry.sha256, actual });
    else intact.add(entry.file);
  }
  const signed = summary.signing !== null;
  for (const name of readdirSync(dir).sort()) {
    if (name === "summary.json" || listed.has(name) || (signed && name === SIGNATURE_FILE)) continue;
    problems.push({ file: name, problem: "not_in_manifest", expected: null, actual: null });
  }

  let meaning: PackageVerdict["meaning"] = "not_checked_csv";
  if (summary.format === "json") {
    meaning = "checked";
    const read = (name: string): PackageDocument => {
      if (!listed.has(name)) return { error: "not listed in the manifest" };
      if (!intact.has(name)) return { reported: true };
      try {
        return { doc: JSON.parse(readFileSync(join(dir, name), "utf8")) };
      } catch (error) {
        return { error: `not JSON (${(error as Error).message})` };
      }
    };
    for (const p of checkSummaryMeaning(file.raw, read))
      problems.push({
        file: "summary.json",
        problem: "meaning_mismatch",
        field: p.field,
        source: p.source,
        expected: p.expected === undefined ? null : JSON.stringify(p.expected),
        actual: p.actual === undefined ? null : JSON.stringify(p.actual),
      });
  }

  const signature = checkSignature(dir, file.bytes, summary, options.publicKey, problems);
  return {
    ok: problems.length === 0,
    summary,
    summarySha256: file.sha256,
    files: summary.manifest.length + 1,
    problems,
    signature,
    meaning,
  };
}

function checkSignature(
  dir: string,
  bytes: Buffer,
  summary: PackageSummary,
  key: KeyObject | undefined,
  problems: PackageProblem[],
): SignatureCheck {
  const keyId = summary.signing?.key_id ?? null;
  let signature: Buffer | null = null;
  try {
    signature = readFileSync(join(dir, SIGNATURE_FILE));
  } catch {
    // absent
  }
  const expectedId = key ? keyIdOf(key) : null;
  if (!summary.signing || !signature) {
    // A summary that names a key promises a signature; a key given promises one too.
    if (summary.signing || key)
      problems.push({
        file: SIGNATURE_FILE,
        problem: "signature_missing",
        expected: expectedId ?? keyId,
        actual: signature ? "summary.json names no signing key" : null,
      });
    return { status: "absent", keyId };
  }
  if (!key) return { status: "not_checked", keyId };
  if (keyId !== expectedId)
    problems.push({
      file: "summary.json",
      problem: "key_mismatch",
      field: "/signing/key_id",
      expected: expectedId,
      actual: keyId,
    });
  if (!verifySignature(bytes, signature, key)) {
    problems.push({
      file: SIGNATURE_FILE,
      problem: "signature_invalid",
      expected: `an Ed25519 signature of summary.json by key ${expectedId}`,
      actual: signature.length === 64 ? "a signature that does not verify" : `${signature.length} bytes`,
    });
    return { status: "invalid", keyId };
  }
  return { status: keyId === expectedId ? "valid" : "invalid", keyId };
}
