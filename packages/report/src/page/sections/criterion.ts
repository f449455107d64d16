import {
  type CriterionDocument,
  DOCUMENT_NAMES,
  listLocation,
  TIER_NAMES,
} from "@iddio-compliance/schema/wire";
import { type Anchors, anchorId } from "../anchors.ts";
import { arr, at, num, type Obj, obj, str } from "../data.ts";
import { h } from "../dom.ts";
import { formatNumber, formatValue, humanise } from "../format.ts";
import { statusBadge, strengthBadge } from "../status.ts";

/** What a criterion renderer receives. */
export interface CriterionContext {
  /** The criterion's entry in summary.json. */
  entry: Obj;
  /** The criterion's document, when the package's data holds it. */
  doc: Obj | null;
  /** The document's file stem (`cc6.1-access-controls`). */
  stem: string;
  /** The file name the package holds (`.json` or `.csv`). */
  file: string;
  summary: Obj;
  documents: Record<string, Obj>;
  anchors: Anchors;
}

/** The reasons of a status, each linking to the list or file that holds its items. */
function reasonsList(reasons: unknown[]): HTMLElement | null {
  if (reasons.length === 0) return null;
  return h(
    "ul",
    { class: "reasons" },
    ...reasons.map((value) => {
      const reason = obj(value) ?? {};
      const detail = str(reason.detail);
      const count = num(reason.count);
      return h(
        "li",
        { "data-code": str(reason.code) ?? "" },
        h("code", null, str(reason.code) ?? "reason"),
        " ",
        str(reason.message) ?? "",
        count !== null ? h("span", { class: "reason-count" }, ` (${formatNumber(count)})`) : null,
        detail
          ? h("span", { class: "reason-detail" }, " — ", h("a", { "data-detail": detail }, detail))
          : null,
      );
    }),
  );
}

/** The headline figures of the summary entry, each a labelled value. */
function headline(entry: Obj, criterion: string): HTMLElement {
  const figures = obj(entry.headline) ?? {};
  return h(
    "dl",
    { class: "figures" },
    ...Object.entries(figures).map(([key, value]) =>
      h(
        "div",
        { class: "figure" },
        h("dt", null, humanise(key)),
        h(
          "dd",
          { "data-field": `${criterion}.headline.${key}`, "data-value": JSON.stringify(value ?? null) },
          formatValue(value, key),
        ),
      ),
    ),
  );
}

/** The population the figures are out of (every count has its denominator, DESIGN §5). */
function population(doc: Obj | null, criterion: string): HTMLElement | null {
  const pop = obj(doc?.population);
  if (!pop) return null;
  return h(
    "div",
    { class: "population" },
    h("h3", null, "Population"),
    h(
      "dl",
      { class: "inline-dl" },
      ...Object.entries(pop).flatMap(([key, value]) => [
        h("dt", null, humanise(key)),
        h(
          "dd",
          { "data-field": `${criterion}.population.${key}`, "data-value": JSON.stringify(value ?? null) },
          formatValue(value, key),
        ),
      ]),
    ),
  );
}

/** A criterion's section: title, status and reasons, headline figures, population, then `body`. */
export function criterionSection(ctx: CriterionContext, body: (HTMLElement | null)[]): HTMLElement {
  const criterion = str(ctx.entry.criterion) ?? ctx.stem;
  const status = str(ctx.entry.status) ?? str(ctx.doc?.status);
  const strength = str(ctx.entry.evidence_strength) ?? str(ctx.doc?.evidence_strength);
  const missing = arr(ctx.entry.missing_inputs ?? ctx.doc?.missing_inputs).map(String);
  const reasons = arr(ctx.entry.reasons ?? ctx.doc?.reasons);
  const id = ctx.anchors.register(ctx.stem);
  const headingId = `h-${id}`;
  return h(
    "section",
    { class: "criterion", id, "aria-labelledby": headingId, "data-criterion": criterion },
    h("h2", { id: headingId }, `${criterion} — ${str(ctx.entry.title) ?? str(ctx.doc?.title) ?? ""}`),
    h(
      "p",
      { class: "criterion-meta" },
      statusBadge(status),
      " ",
      strengthBadge(strength),
      " ",
      h("span", { class: "file" }, "File: ", h("code", null, ctx.file)),
    ),
    missing.length > 0
      ? h("p", { class: "missing" }, "Inputs missing for this criterion: ", missing.join(", "))
      : null,
    reasons.length > 0 ? h("h3", null, "Why this status") : null,
    reasonsList(reasons),
    h("h3", null, "Headline figures"),
    headline(ctx.entry, criterion),
    population(ctx.doc, criterion),
    ctx.doc ? null : h("p", { class: "missing" }, "This criterion's document is not embedded in the report."),
    ...body,
  );
}

/** A sub-section heading registered as the place a document list is shown. */
export function listHeading(ctx: CriterionContext, pointer: string, text: string): HTMLElement {
  return h("h3", { id: ctx.anchors.register(ctx.stem, pointer) }, text);
}

/** The id of a findings table showing the list at `pointer`. */
export function tableId(ctx: CriterionContext, pointer: string): string {
  return `${anchorId(ctx.stem, pointer)}-table`;
}

/** Where the package holds the items of the list at `pointer`: `file.json#/pointer`, or its CSV file. */
export function listSource(ctx: CriterionContext, pointer: string): string {
  const key = (Object.keys(DOCUMENT_NAMES) as (keyof typeof DOCUMENT_NAMES)[]).find(
    (k) => DOCUMENT_NAMES[k] === ctx.stem,
  );
  const format = ctx.summary.format === "csv" ? "csv" : "json";
  if (!key || key === "integrity" || key === "summary") return `${ctx.file}#${pointer}`;
  return listLocation(format, key as CriterionDocument, pointer);
}

/** Tier names from CC6.3's tier model (or the standard ones). */
export function tierNames(documents: Record<string, Obj>): string[] {
  const names: string[] = [...TIER_NAMES];
  for (const doc of Object.values(documents)) {
    for (const row of arr(doc.tier_model)) {
      const tier = num(at(row, "tier"));
      const name = str(at(row, "name"));
      if (tier !== null && name && tier >= 0 && tier < 5) names[tier] = name;
    }
  }
  return names;
}
