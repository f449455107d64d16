import type { Anchors } from "../anchors.ts";
import { arr, at, num, type Obj, obj, str } from "../data.ts";
import { h } from "../dom.ts";
import { findingsTable, staticTable } from "../findings-table.ts";
import { formatNumber, shortHash } from "../format.ts";

/** The chain verifier's result: verdict, anchor, files in chain order, findings. */
export function integritySection(doc: Obj | null, stem: string, file: string, anchors: Anchors): HTMLElement {
  const id = anchors.register(stem);
  const verified = doc?.verified;
  const files = arr(doc?.files).map((f) => obj(f) ?? {});
  const findings = arr(doc?.findings);
  const counts = Object.entries(obj(doc?.finding_counts) ?? {});
  return h(
    "section",
    { class: "criterion integrity", id, "aria-labelledby": "integrity-title", "data-criterion": "integrity" },
    h("h2", { id: "integrity-title" }, "Audit log integrity"),
    doc
      ? h(
          "p",
          { class: verified === true ? "verdict ok" : "verdict fail" },
          verified === true ? "✓ The hash chain verified" : "✗ The hash chain did NOT verify",
          ` — ${formatNumber(num(doc.total_events))} events (${str(doc.algorithm) ?? "?"}, anchor ${str(at(doc, "anchor", "type")) ?? "?"}), verified at ${str(doc.verified_at) ?? "?"}. File: `,
          h("code", null, file),
        )
      : h("p", { class: "missing" }, "The integrity document is not embedded in the report."),
    doc ? h("p", { class: "recipe" }, str(doc.recipe) ?? "") : null,
    files.length > 0
      ? staticTable({
          caption: "Log files in chain order",
          id: anchors.register(stem, "/files"),
          headers: ["File", "Compressed", "Bytes", "Events", "SHA-256", "First hash", "Last hash"],
          rows: files.map((f) => [
            str(f.path),
            f.compressed === true ? "yes" : "no",
            num(f.bytes),
            num(f.events),
            shortHash(str(f.sha256)),
            shortHash(str(f.first_hash)),
            shortHash(str(f.last_hash)),
          ]),
        })
      : null,
    counts.length > 0
      ? h("p", null, "Findings by kind: ", counts.map(([k, n]) => `${k} ${formatNumber(num(n))}`).join(", "))
      : h("p", null, "No chain finding."),
    findings.length > 0
      ? h(
          "div",
          { id: anchors.register(stem, "/findings") },
          findingsTable({
            id: "integrity-findings-table",
            caption: "Chain findings",
            total: findings.length + (num(doc?.findings_omitted) ?? 0),
            rows: findings,
            source: file,
            columns: [
              { header: "Kind", key: "kind" },
              { header: "Severity", key: "severity" },
              { header: "File", key: "file" },
              { header: "Line", key: "line", numeric: true },
              { header: "Message", key: "message" },
              { header: "Expected", key: "expected" },
              { header: "Actual", key: "actual" },
            ],
          }),
        )
      : null,
  );
}
