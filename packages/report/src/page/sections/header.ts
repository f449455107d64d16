import type { Anchors } from "../anchors.ts";
import { arr, at, fileStem, num, type Obj, obj, str } from "../data.ts";
import { type Child, h } from "../dom.ts";
import { formatNumber, formatValue } from "../format.ts";
import { statusBadge, strengthBadge } from "../status.ts";

function row(label: string, value: Child, field?: string): HTMLElement[] {
  return [h("dt", null, label), h("dd", field ? { "data-field": field } : null, value)];
}

/** The report's header: what the package covers, where it comes from, and what proves it. */
export function reportHeader(summary: Obj): HTMLElement {
  const period = obj(summary.period) ?? {};
  const source = obj(summary.source) ?? {};
  const generator = obj(summary.generator) ?? {};
  const integrity = obj(summary.integrity) ?? {};
  const merkle = obj(summary.merkle);
  const signing = obj(summary.signing);
  const previous = obj(summary.previous);
  const incomplete = period.incomplete === true;
  const verified = integrity.verified;
  return h(
    "header",
    { class: "report-header", id: "report-header" },
    h("p", { class: "kicker" }, "SOC 2 Type II evidence — iddio audit log"),
    h(
      "h1",
      null,
      `Evidence report ${str(period.from) ?? "?"} to ${str(period.to) ?? "?"}`,
      h("span", { class: "tz" }, ` (${str(period.time_zone) ?? "UTC"})`),
    ),
    incomplete
      ? h(
          "p",
          { class: "incomplete", role: "note", "data-field": "period.incomplete" },
          "Incomplete period: it had not ended when this package was exported, so its figures may still grow.",
        )
      : null,
    h(
      "dl",
      { class: "meta" },
      ...row(
        "Period",
        `${str(period.from) ?? "?"} – ${str(period.to) ?? "?"}, inclusive, ${str(period.time_zone) ?? "UTC"}`,
        "period",
      ),
      ...row(
        "Source",
        `${str(source.type) ?? "?"}: ${str(source.location) ?? "?"}${str(source.org_id) ? ` (org ${str(source.org_id)})` : ""}`,
        "source",
      ),
      ...row(
        "Generator",
        `${str(generator.name) ?? "?"} ${str(generator.version) ?? ""}`.trim(),
        "generator",
      ),
      ...row("Generated at", str(summary.generated_at) ?? "—", "generated_at"),
      ...row("Format", str(summary.format) ?? "—"),
      ...row(
        "Hash chain",
        h(
          "span",
          {
            class: verified === true ? "verdict ok" : "verdict fail",
            "data-value": JSON.stringify(verified ?? null),
          },
          verified === true ? "✓ verified" : verified === false ? "✗ NOT verified" : "unknown",
          ` — ${formatNumber(num(integrity.chain_events ?? integrity.total_events))} events in the chain, ${formatNumber(num(integrity.findings))} findings`,
        ),
        "integrity.verified",
      ),
      ...row(
        "Chain head",
        h("code", { class: "hash" }, str(integrity.chain_head) ?? "—"),
        "integrity.chain_head",
      ),
      ...(merkle
        ? row(
            "Merkle root",
            h(
              "span",
              null,
              h("code", { class: "hash" }, str(merkle.root) ?? "—"),
              ` (${str(merkle.algorithm) ?? "?"}, ${formatNumber(num(merkle.size))} events; first #${formatValue(at(merkle, "first", "index"))}, last #${formatValue(at(merkle, "last", "index"))})`,
            ),
            "merkle.root",
          )
        : []),
      ...(signing
        ? row(
            "Signature",
            h(
              "span",
              null,
              `${str(signing.algorithm) ?? "?"}, key id `,
              h("code", { class: "hash" }, str(signing.key_id) ?? "—"),
            ),
            "signing.key_id",
          )
        : row("Signature", "not signed")),
      ...(previous
        ? row(
            "Previous package",
            h(
              "span",
              null,
              `${formatValue(at(previous, "period", "from"))} – ${formatValue(at(previous, "period", "to"))}, summary SHA-256 `,
              h("code", { class: "hash" }, str(previous.summary_sha256) ?? "—"),
            ),
            "previous",
          )
        : []),
    ),
  );
}

/** The criteria at a glance, each linking to its section. */
export function overview(summary: Obj, anchors: Anchors): HTMLElement {
  const criteria = arr(summary.criteria).map((c) => obj(c) ?? {});
  const unrecognised = obj(summary.unrecognised_records);
  const kinds = Object.entries(obj(unrecognised?.kinds) ?? {});
  return h(
    "section",
    { class: "overview", "aria-labelledby": "overview-title", id: "overview" },
    h("h2", { id: "overview-title" }, "At a glance"),
    h(
      "table",
      { class: "data" },
      h("caption", null, "Status of each criterion"),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ...["Criterion", "Title", "Status", "Evidence", "Reasons"].map((x) => h("th", { scope: "col" }, x)),
        ),
      ),
      h(
        "tbody",
        null,
        ...criteria.map((c) => {
          const id = anchors.resolve(str(c.file) ?? "");
          const name = str(c.criterion) ?? "?";
          const link = h("a", id ? { "data-target": id } : null, name);
          return h(
            "tr",
            { "data-criterion": name },
            h("th", { scope: "row" }, link),
            h("td", null, str(c.title) ?? ""),
            h("td", null, statusBadge(str(c.status))),
            h("td", null, strengthBadge(str(c.evidence_strength))),
            h(
              "td",
              null,
              arr(c.reasons)
                .map((r) => str(at(r, "message")) ?? str(at(r, "code")) ?? "")
                .join("; ") || "—",
            ),
          );
        }),
      ),
    ),
    kinds.length > 0
      ? h(
          "p",
          { class: "unrecognised" },
          `Unrecognised record kinds (counted, not mapped): `,
          kinds.map(([k, n]) => `${k} ×${formatValue(n)}`).join(", "),
        )
      : null,
  );
}

/** The file stem a summary entry names. */
export function entryStem(entry: Obj): string {
  return fileStem(str(entry.file) ?? str(entry.criterion) ?? "criterion");
}
