import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type EvidenceSummary, summarySchema } from "@iddio-compliance/schema";
import { ComplianceError } from "../errors/compliance-error.ts";

/** The detached Ed25519 signature of `summary.json` (64 raw bytes), written after it. */
export const SIGNATURE_FILE = "summary.json.sig";

/** A package's `summary.json`, its trust fields `null` when an older package lacks them. */
export type PackageSummary = EvidenceSummary & {
  signing: NonNullable<EvidenceSummary["signing"]> | null;
  merkle: NonNullable<EvidenceSummary["merkle"]> | null;
  previous: NonNullable<EvidenceSummary["previous"]> | null;
};

/** `summary.json` as read: its exact bytes, their SHA-256, the parsed summary and the raw JSON. */
export interface SummaryFile {
  dir: string;
  path: string;
  bytes: Buffer;
  sha256: string;
  summary: PackageSummary;
  /** The JSON as written, unknown fields included (the meaning checks compare what is there). */
  raw: Record<string, unknown>;
}

/**
 * Reads and validates a package's `summary.json`. Throws `PACKAGE_INVALID` naming the file when it
 * is missing, not JSON or not a summary: without it nothing else of the package can be checked.
 */
export function readSummaryFile(dir: string): SummaryFile {
  const path = join(dir, "summary.json");
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new ComplianceError(
      "PACKAGE_INVALID",
      `${path}: missing (an incomplete package, or not a package folder)`,
      { subject: path, cause },
    );
  }
  return { dir, ...parseSummary(bytes, path) };
}

/**
 * Parses the bytes of a `summary.json` (read from a folder or from object storage); `path` names it
 * in errors. Throws `PACKAGE_INVALID` when they are not JSON or not a summary.
 */
export function parseSummary(bytes: Buffer, path: string): Omit<SummaryFile, "dir"> {
  const raw = parseJson(bytes, path);
  const parsed = summarySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ComplianceError(
      "PACKAGE_INVALID",
      `${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
      { subject: path },
    );
  }
  return {
    path,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    summary: {
      ...parsed.data,
      signing: parsed.data.signing ?? null,
      merkle: parsed.data.merkle ?? null,
      previous: parsed.data.previous ?? null,
    },
    raw: raw as Record<string, unknown>,
  };
}

/** Reads one JSON file of a package; throws `PACKAGE_INVALID` naming it when it is not JSON. */
export function readPackageJson(dir: string, file: string): unknown {
  const path = join(dir, file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new ComplianceError("PACKAGE_INVALID", `${path}: missing`, { subject: path, cause });
  }
  return parseJson(bytes, path);
}

function parseJson(bytes: Buffer, path: string): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (cause) {
    throw new ComplianceError("PACKAGE_INVALID", `${path}: not JSON (${(cause as Error).message})`, {
      subject: path,
      cause,
    });
  }
}
