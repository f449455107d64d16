import { join } from "node:path";
import { loadReportTemplate, REPORT_FILE, scriptSafeJson } from "@iddio-compliance/report";
import type { EvidenceSummary, ManifestEntry } from "@iddio-compliance/schema";
import { type EvidenceDocuments, FILE_NAMES } from "./evidence-documents.ts";
import { FileSink } from "./file-sink.ts";
import { type JsonSink, writeJsonDocument } from "./json-writer.ts";

/** Passes JSON on to a file with `<`, `>`, `&`, U+2028 and U+2029 escaped, so it cannot leave its `<script>`. */
function scriptSafe(sink: FileSink): JsonSink {
  return {
    write: (text) => sink.write(scriptSafeJson(text)),
    // Spooled chunks hold whole items, so they decode and re-encode without splitting a character.
    writeBytes: (bytes) => sink.writeBytes(Buffer.from(scriptSafeJson(bytes.toString("utf8")), "utf8")),
  };
}

/**
 * Writes `report.html` into `dir`: the report page with this export's summary and documents
 * embedded, spooled lists streamed item by item (memory stays bounded by agents, not events).
 * `summary` is the one written beside it, less the report's own manifest entry.
 */
export async function writeReport(
  dir: string,
  docs: EvidenceDocuments,
  summary: EvidenceSummary,
): Promise<ManifestEntry> {
  const { before, after } = loadReportTemplate();
  const sink = new FileSink(join(dir, REPORT_FILE));
  await sink.write(before);
  await writeJsonDocument(scriptSafe(sink), {
    summary,
    documents: {
      [FILE_NAMES.cc61]: docs.cc61,
      [FILE_NAMES.cc62]: docs.cc62,
      [FILE_NAMES.cc63]: docs.cc63,
      [FILE_NAMES.cc72]: docs.cc72,
      [FILE_NAMES.integrity]: docs.integrity,
    },
  });
  await sink.write(after);
  return { file: REPORT_FILE, media_type: "text/html", ...sink.close() };
}
