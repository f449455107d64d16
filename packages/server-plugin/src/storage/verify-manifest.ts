import { sha256Hex } from "@iddio-compliance/connector-sdk";
import {
  checkManifest,
  describeManifestProblem,
  type EvidenceSummary,
  type PresentFile,
  SIGNATURE_FILE,
  SUMMARY_FILE,
  summarySchema,
} from "@iddio-compliance/schema";
import type { PackageCheck } from "./evidence-storage.ts";

/** The files of a package stored before its `summary.json`: the manifest's, and the signature when signed. */
export function filesBeforeSummary(summary: EvidenceSummary): string[] {
  return [...summary.manifest.map((e) => e.file), ...(summary.signing ? [SIGNATURE_FILE] : [])];
}

/**
 * Checks a stored package with the schema's `checkManifest` (what `verify-package` and the
 * SDK's loader check): `read` gives the bytes of one of its files (`null` when missing), `list`
 * every file stored under it. A package with no summary is `absent` when nothing is stored under
 * it, else `incomplete`.
 */
export async function verifyManifest(
  read: (name: string) => Promise<Uint8Array | null>,
  list: () => Promise<PresentFile[]>,
): Promise<PackageCheck> {
  const summaryBytes = await read(SUMMARY_FILE);
  if (!summaryBytes)
    return (await list()).length > 0
      ? { state: "incomplete", reason: "no summary.json" }
      : { state: "absent" };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(summaryBytes).toString("utf8"));
  } catch {
    return { state: "incomplete", reason: "summary.json is not JSON" };
  }
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success)
    return { state: "incomplete", reason: "summary.json does not match the summary schema" };
  const problems = await checkManifest(parsed.data, await list(), async (name) => {
    const bytes = await read(name);
    return bytes ? sha256Hex(bytes) : "(vanished while reading)";
  });
  if (problems[0]) return { state: "incomplete", reason: describeManifestProblem(problems[0]) };
  return { state: "complete", summary: parsed.data, summarySha256: sha256Hex(summaryBytes) };
}
