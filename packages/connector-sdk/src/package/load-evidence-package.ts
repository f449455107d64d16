import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  checkManifest,
  describeManifestProblem,
  type PresentFile,
  SUMMARY_FILE,
  summarySchema,
} from "@iddio-compliance/schema";
import { ConnectorError } from "../errors/connector-error.ts";
import { criterionOfFile } from "./criterion-of-file.ts";
import type { EvidenceFile, EvidencePackage } from "./evidence-package.ts";

function invalid(message: string, cause?: unknown): ConnectorError {
  return new ConnectorError({ code: "CONNECTOR_PACKAGE_INVALID", message, retryable: false, cause });
}

/** Lowercase hex SHA-256 of `data` (a string is hashed as UTF-8). */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

async function readPackageFile(dir: string, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(join(dir, file)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalid(
      code === "ENOENT"
        ? `Evidence package file "${file}" is missing from ${dir}`
        : `Cannot read evidence package file "${file}": ${code ?? error}`,
      error,
    );
  }
}

/** What is in the package folder: each entry's name, and its size when it is a regular file. */
async function listDir(dir: string): Promise<PresentFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return Promise.all(
    entries.map(async (entry) => ({
      name: entry.name,
      size: entry.isFile() ? (await stat(join(dir, entry.name))).size : null,
    })),
  );
}

/**
 * Reads an evidence package directory: validates `summary.json` against the schema and checks the
 * folder against its manifest (the schema's `checkManifest`: every listed file with its size and
 * SHA-256, nothing unlisted). Throws a {@link ConnectorError} with code `CONNECTOR_PACKAGE_INVALID`
 * naming the file on the first difference, so a package that does not match its manifest is never
 * pushed.
 */
export async function loadEvidencePackage(dir: string): Promise<EvidencePackage> {
  const summaryBytes = await readPackageFile(dir, SUMMARY_FILE);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(summaryBytes));
  } catch (error) {
    throw invalid(`Evidence package file "${SUMMARY_FILE}" is not valid JSON`, error);
  }
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join(".") || "(root)";
    throw invalid(
      `Evidence package file "${SUMMARY_FILE}" is invalid at "${path}": ${issue?.message}`,
      parsed.error,
    );
  }
  const summary = parsed.data;

  const read = new Map<string, Uint8Array>();
  const problems = await checkManifest(summary, await listDir(dir), async (name) => {
    const bytes = await readPackageFile(dir, name);
    read.set(name, bytes);
    return sha256Hex(bytes);
  });
  if (problems[0]) throw invalid(`Evidence package ${dir}: ${describeManifestProblem(problems[0])}`);
  const files: EvidenceFile[] = summary.manifest.map((entry) => {
    const bytes = read.get(entry.file) as Uint8Array;
    return {
      name: entry.file,
      mediaType: entry.media_type,
      bytes,
      size: bytes.byteLength,
      sha256: entry.sha256,
      criterion: criterionOfFile(entry.file, summary),
    };
  });
  const sha256 = sha256Hex(summaryBytes);
  files.push({
    name: SUMMARY_FILE,
    mediaType: "application/json",
    bytes: summaryBytes,
    size: summaryBytes.byteLength,
    sha256,
    criterion: "summary",
  });
  return { dir, summary, sha256, files };
}

/**
 * Checks that every file of an already loaded package still matches its manifest and its own
 * digest (a package built by hand, or bytes changed after loading), with the same comparison as
 * {@link loadEvidencePackage}.
 */
export async function assertPackageIntact(pkg: EvidencePackage): Promise<void> {
  const byName = new Map(pkg.files.map((file) => [file.name, file]));
  const summary = byName.get(SUMMARY_FILE);
  if (!summary || sha256Hex(summary.bytes) !== pkg.sha256)
    throw invalid(`Evidence package ${pkg.dir}: "${SUMMARY_FILE}" does not match the package's SHA-256`);
  const present = pkg.files.map((file) => ({ name: file.name, size: file.bytes.byteLength }));
  const problems = await checkManifest(pkg.summary, present, (name) =>
    sha256Hex((byName.get(name) as EvidenceFile).bytes),
  );
  if (problems[0]) throw invalid(`Evidence package ${pkg.dir}: ${describeManifestProblem(problems[0])}`);
  for (const file of pkg.files) {
    if (file.size !== file.bytes.byteLength || file.sha256 !== sha256Hex(file.bytes))
      throw invalid(`Evidence package ${pkg.dir}: "${file.name}" does not match its own size and SHA-256`);
  }
}
