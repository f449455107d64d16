import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { summarySchema } from "@iddio-compliance/schema";
import { ConnectorError } from "../errors/connector-error.ts";
import { criterionOfFile } from "./criterion-of-file.ts";
import type { EvidenceFile, EvidencePackage } from "./evidence-package.ts";

const SUMMARY = "summary.json";

function invalid(message: string, cause?: unknown): ConnectorError {
  return new ConnectorError({ code: "CONNECTOR_PACKAGE_INVALID", message, retryable: false, cause });
}

/** Lowercase hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function read(dir: string, file: string): Promise<Uint8Array> {
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

/**
 * Reads an evidence package directory: validates `summary.json` against the schema, reads every file
 * its manifest lists and checks each size and SHA-256. Throws a {@link ConnectorError} with code
 * `CONNECTOR_PACKAGE_INVALID` naming the file on the first mismatch, so a package that does not match
 * its manifest is never pushed.
 */
export async function loadEvidencePackage(dir: string): Promise<EvidencePackage> {
  const summaryBytes = await read(dir, SUMMARY);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(summaryBytes));
  } catch (error) {
    throw invalid(`Evidence package file "${SUMMARY}" is not valid JSON`, error);
  }
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join(".") || "(root)";
    throw invalid(
      `Evidence package file "${SUMMARY}" is invalid at "${path}": ${issue?.message}`,
      parsed.error,
    );
  }
  const summary = parsed.data;

  const files: EvidenceFile[] = [];
  const seen = new Set<string>();
  for (const entry of summary.manifest) {
    if (
      entry.file !== basename(entry.file) ||
      entry.file === "." ||
      entry.file === ".." ||
      entry.file === SUMMARY
    ) {
      throw invalid(
        `Evidence package manifest lists "${entry.file}", which is not a file name inside the package`,
      );
    }
    if (seen.has(entry.file)) throw invalid(`Evidence package manifest lists "${entry.file}" twice`);
    seen.add(entry.file);
    const bytes = await read(dir, entry.file);
    if (bytes.byteLength !== entry.bytes) {
      throw invalid(
        `Evidence package file "${entry.file}" has ${bytes.byteLength} bytes but the manifest says ${entry.bytes}`,
      );
    }
    const digest = sha256Hex(bytes);
    if (digest !== entry.sha256) {
      throw invalid(
        `Evidence package file "${entry.file}" has SHA-256 ${digest} but the manifest says ${entry.sha256}`,
      );
    }
    files.push({
      name: entry.file,
      mediaType: entry.media_type,
      bytes,
      size: bytes.byteLength,
      sha256: digest,
      criterion: criterionOfFile(entry.file, summary),
    });
  }
  const sha256 = sha256Hex(summaryBytes);
  files.push({
    name: SUMMARY,
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
 * digest (a package built by hand, or bytes changed after loading).
 */
export function assertPackageIntact(pkg: EvidencePackage): void {
  const manifest = new Map(pkg.summary.manifest.map((entry) => [entry.file, entry]));
  for (const file of pkg.files) {
    const digest = sha256Hex(file.bytes);
    const expected = file.name === SUMMARY ? pkg.sha256 : manifest.get(file.name)?.sha256;
    if (expected === undefined)
      throw invalid(`Evidence package file "${file.name}" is not listed in the manifest`);
    if (digest !== expected || digest !== file.sha256 || file.bytes.byteLength !== file.size) {
      throw invalid(
        `Evidence package file "${file.name}" has SHA-256 ${digest} but the manifest says ${expected}`,
      );
    }
  }
  for (const entry of pkg.summary.manifest) {
    if (!pkg.files.some((file) => file.name === entry.file))
      throw invalid(`Evidence package file "${entry.file}" is missing`);
  }
}
