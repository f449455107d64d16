import { join } from "node:path";
import type { ManifestEntry } from "@iddio-compliance/schema";
import { ComplianceError } from "../errors/compliance-error.ts";
import { csvRows } from "./csv-cells.ts";
import { CSV_TABLES, type CsvTable } from "./csv-tables.ts";
import type { EvidenceDocuments } from "./evidence-documents.ts";
import { FileSink } from "./file-sink.ts";

const BATCH = 1000;

/** Writes one table: its header, then its rows in batches; returns its manifest entry and row count. */
async function writeTable<T>(
  dir: string,
  spec: CsvTable<T>,
  docs: EvidenceDocuments,
): Promise<{ entry: ManifestEntry; rows: number }> {
  const sink = new FileSink(join(dir, spec.file));
  await sink.write(csvRows([spec.columns.map(([header]) => header)]));
  let batch: unknown[][] = [];
  let rows = 0;
  for await (const row of spec.rows(docs)) {
    batch.push(spec.columns.map(([, cell]) => cell(row)));
    rows++;
    if (batch.length >= BATCH) {
      await sink.write(csvRows(batch));
      batch = [];
    }
  }
  if (batch.length > 0) await sink.write(csvRows(batch));
  return { entry: { file: spec.file, media_type: "text/csv", ...sink.close() }, rows };
}

/**
 * Writes the evidence as CSV (DESIGN §5, the tables of `csv-tables.ts`). Each file's row count
 * is checked against the total its document states: a CSV package never disagrees with the JSON
 * one of the same period. Returns the manifest entries.
 */
export async function writeCsvPackage(dir: string, docs: EvidenceDocuments): Promise<ManifestEntry[]> {
  const out: ManifestEntry[] = [];
  for (const spec of CSV_TABLES) {
    const { entry, rows } = await writeTable(dir, spec, docs);
    const expected = spec.expectedRows(docs);
    if (rows !== expected)
      throw new ComplianceError(
        "INVARIANT_VIOLATED",
        `internal error: ${spec.file} holds ${rows} row(s) but its document states ${expected}; the package was not written`,
        { subject: spec.file },
      );
    out.push(entry);
  }
  return out;
}
