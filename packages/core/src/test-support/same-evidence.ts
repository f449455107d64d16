import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The fields that state how a log was read, not what it holds: a resumed export and a full pass
 * may differ there and nowhere else (docs/data-contract.md §6).
 */
const HOW_READ_FILES = new Set([
  "audit-log-integrity.json",
  "audit-log-integrity.csv",
  "cc7.2-monitoring-evidence.json",
  "report.html",
]);

type Json = Record<string, any>;

/** A document with the how-it-was-read fields taken out. */
function normalised(file: string, text: string): string {
  const doc = JSON.parse(text) as Json;
  if (file === "audit-log-integrity.json") {
    delete doc.anchor;
    delete doc.files;
    delete doc.verified_at;
  } else if (file === "cc7.2-monitoring-evidence.json") {
    delete doc.audit_log.files;
  } else if (file === "summary.json") {
    delete doc.generated_at;
    for (const entry of doc.manifest as Json[])
      if (HOW_READ_FILES.has(entry.file)) {
        delete entry.bytes;
        delete entry.sha256;
      }
  }
  return JSON.stringify(doc, null, 2);
}

/**
 * Compares two evidence packages of the same period (one exported in full, one resumed from a
 * checkpoint): every file byte for byte, except the export's clock (`generated_at`, `verified_at`,
 * as between any two exports), the integrity file's `anchor` and `files`, CC7.2's
 * `audit_log.files`, the integrity CSV (one row per file read), `report.html` (which shows them)
 * and those files' manifest digests. Returns one line per difference; none when they agree.
 */
export function evidenceDifferences(full: string, resumed: string): string[] {
  const names = (dir: string) => readdirSync(dir).sort();
  const a = names(full);
  const b = names(resumed);
  const out: string[] = [];
  if (a.join("\n") !== b.join("\n")) out.push(`file lists differ: ${a.join(",")} vs ${b.join(",")}`);
  for (const file of a.filter((f) => b.includes(f))) {
    if (file === "report.html" || file === "audit-log-integrity.csv") continue;
    const x = readFileSync(join(full, file), "utf8");
    const y = readFileSync(join(resumed, file), "utf8");
    const same = file.endsWith(".json") ? normalised(file, x) === normalised(file, y) : x === y;
    if (!same) out.push(`${file} differs`);
  }
  return out;
}
