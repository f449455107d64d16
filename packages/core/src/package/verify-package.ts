import { createHash, type KeyObject } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  checkManifest,
  type ManifestProblemKind,
  type PresentFile,
  SIGNATURE_FILE,
  SUMMARY_FILE,
} from "@iddio-compliance/schema";
import { checkSummaryMeaning, type PackageDocument } from "./meaning.ts";
import { type PackageSummary, readSummaryFile } from "./read-package.ts";
import { keyIdOf, verifySignature } from "./signing.ts";

/** One problem found in a package. */
export interface PackageProblem {
  file: string;
  problem:
    | ManifestProblemKind
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

/** What is in a package folder: each entry's name, and its size when it is a regular file. */
function listPackageDir(dir: string): PresentFile[] {
  return readdirSync(dir, { withFileTypes: true }).map((entry) => ({
    name: entry.name,
    size: entry.isFile() ? statSync(join(dir, entry.name)).size : null,
  }));
}

/** Streams a file of the package through SHA-256 (a package file can be large). */
function sha256OfFile(dir: string): (name: string) => Promise<string> {
  return async (name) => {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(join(dir, name))) hash.update(chunk as Buffer);
    return hash.digest("hex");
  };
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
  const problems: PackageProblem[] = await checkManifest(summary, listPackageDir(dir), sha256OfFile(dir));
  const listed = new Set(summary.manifest.map((entry) => entry.file));
  const damaged = new Set(problems.map((p) => p.file));
  const intact = new Set([...listed].filter((name) => !damaged.has(name)));

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
        file: SUMMARY_FILE,
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
      file: SUMMARY_FILE,
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
