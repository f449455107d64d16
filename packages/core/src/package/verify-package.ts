import { createHash } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type EvidenceSummary, summarySchema } from "@iddio-compliance/schema";
import { ComplianceError } from "../errors/compliance-error.ts";

/** One problem found in a package. */
export interface PackageProblem {
  file: string;
  problem: "missing" | "size_mismatch" | "digest_mismatch" | "not_in_manifest";
  expected: string | null;
  actual: string | null;
}

/** The verdict of {@link verifyPackage}. */
export interface PackageVerdict {
  ok: boolean;
  summary: EvidenceSummary;
  files: number;
  problems: PackageProblem[];
}

/**
 * Checks an evidence package against the manifest in its `summary.json`: every listed file is
 * present with the listed size and SHA-256, and no other file is there. Throws only when
 * `summary.json` is missing or not a valid summary.
 */
export async function verifyPackage(dir: string): Promise<PackageVerdict> {
  const summaryPath = join(dir, "summary.json");
  let raw: string;
  try {
    raw = readFileSync(summaryPath, "utf8");
  } catch (cause) {
    throw new ComplianceError(
      "PACKAGE_INVALID",
      `${summaryPath}: missing (an incomplete package, or not a package folder)`,
      { subject: summaryPath, cause },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new ComplianceError("PACKAGE_INVALID", `${summaryPath}: not JSON (${(cause as Error).message})`, {
      subject: summaryPath,
      cause,
    });
  }
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ComplianceError(
      "PACKAGE_INVALID",
      `${summaryPath}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
      { subject: summaryPath },
    );
  }
  const summary = parsed.data;
  const problems: PackageProblem[] = [];
  const listed = new Set<string>();
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
  }
  for (const name of readdirSync(dir).sort()) {
    if (name !== "summary.json" && !listed.has(name))
      problems.push({ file: name, problem: "not_in_manifest", expected: null, actual: null });
  }
  return { ok: problems.length === 0, summary, files: summary.manifest.length + 1, problems };
}
