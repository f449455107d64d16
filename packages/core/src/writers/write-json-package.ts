import { join } from "node:path";
import type { ManifestEntry } from "@iddio-compliance/schema";
import { type EvidenceDocuments, FILE_NAMES } from "./evidence-documents.ts";
import { FileSink } from "./file-sink.ts";
import { writeJsonDocument } from "./json-writer.ts";

/** Writes the five evidence documents as JSON into `dir`; returns their manifest entries. */
export async function writeJsonPackage(dir: string, docs: EvidenceDocuments): Promise<ManifestEntry[]> {
  const manifest: ManifestEntry[] = [];
  for (const key of ["cc61", "cc62", "cc63", "cc72", "integrity"] as const) {
    const file = `${FILE_NAMES[key]}.json`;
    const sink = new FileSink(join(dir, file));
    await writeJsonDocument(sink, docs[key]);
    manifest.push({ file, media_type: "application/json", ...sink.close() });
  }
  return manifest;
}
