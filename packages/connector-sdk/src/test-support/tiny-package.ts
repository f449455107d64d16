import type { EvidencePackage } from "../package/evidence-package.ts";
import { sha256Hex } from "../package/load-evidence-package.ts";

/** A two-file package built in memory (its summary is `{}`), for tests that need no files on disk. */
export function tinyPackage(): EvidencePackage {
  const summaryBytes = new TextEncoder().encode("{}");
  const bytes = new TextEncoder().encode("a,b\r\n");
  const sha256 = sha256Hex(bytes);
  return {
    dir: "/tmp/x",
    sha256: sha256Hex(summaryBytes),
    summary: {
      generator: { name: "t", version: "0" },
      format: "csv",
      period: { from: "2026-01-01", to: "2026-01-31", time_zone: "UTC" },
      source: { type: "jsonl", location: "x", org_id: null },
      generated_at: "2026-02-01T00:00:00Z",
      criteria: [],
      integrity: {
        file: "audit-log-integrity.csv",
        verified: true,
        total_events: 0,
        findings: 0,
        chain_head: null,
      },
      unrecognised_records: { total: 0, kinds: {} },
      manifest: [
        { file: "cc6.1-access-controls.csv", media_type: "text/csv", bytes: bytes.byteLength, sha256 },
      ],
    },
    files: [
      {
        name: "cc6.1-access-controls.csv",
        mediaType: "text/csv",
        bytes,
        size: bytes.byteLength,
        sha256,
        criterion: "CC6.1",
      },
      {
        name: "summary.json",
        mediaType: "application/json",
        bytes: summaryBytes,
        size: summaryBytes.byteLength,
        sha256: sha256Hex(summaryBytes),
        criterion: "summary",
      },
    ],
  };
}
