import { basename } from "node:path";
import { type EvidenceSummary, summarySchema } from "@iddio-compliance/schema";
import { sha256Hex } from "../ledger/ledger-record.ts";
import type { PackageCheck } from "./evidence-storage.ts";

/** The file every package writes last; its manifest lists every other file. */
export const SUMMARY_FILE = "summary.json";

/** The detached signature of `summary.json`, beside it in a signed package (not in the manifest). */
const SIGNATURE_FILE = "summary.json.sig";

/** The files of a package stored before its `summary.json`: the manifest's, and the signature when signed. */
export function filesBeforeSummary(summary: EvidenceSummary): string[] {
  return [...summary.manifest.map((e) => e.file), ...(summary.signing ? [SIGNATURE_FILE] : [])];
}

/**
 * Checks a package through `read` (bytes of a file of the package, `null` when missing): the
 * summary parses and every manifest entry is present with its size and SHA-256. A package with
 * no summary is `absent` when `hasAnyFile` is false, else `incomplete`.
 */
export async function verifyManifest(
  read: (name: string) => Promise<Uint8Array | null>,
  hasAnyFile: () => Promise<boolean>,
): Promise<PackageCheck> {
  const summaryBytes = await read(SUMMARY_FILE);
  if (!summaryBytes)
    return (await hasAnyFile()) ? { state: "incomplete", reason: "no summary.json" } : { state: "absent" };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(summaryBytes).toString("utf8"));
  } catch {
    return { state: "incomplete", reason: "summary.json is not JSON" };
  }
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success)
    return { state: "incomplete", reason: "summary.json does not match the summary schema" };
  for (const entry of parsed.data.manifest) {
    if (entry.file !== basename(entry.file) || entry.file === SUMMARY_FILE) {
      return { state: "incomplete", reason: `manifest entry "${entry.file}" is not a file of the package` };
    }
    const bytes = await read(entry.file);
    if (!bytes) return { state: "incomplete", reason: `${entry.file} is missing` };
    if (bytes.byteLength !== entry.bytes)
      return {
        state: "incomplete",
        reason: `${entry.file} has ${bytes.byteLength} bytes, manifest says ${entry.bytes}`,
      };
    if (sha256Hex(bytes) !== entry.sha256)
      return { state: "incomplete", reason: `${entry.file} does not match its SHA-256` };
  }
  return { state: "complete", summary: parsed.data, summarySha256: sha256Hex(summaryBytes) };
}
