import { Anchors } from "./anchors.ts";
import { arr, fileStem, type Obj, obj, readReportData, str } from "./data.ts";
import { h } from "./dom.ts";
import { accessControlsBody } from "./sections/cc6-1-access.ts";
import { credentialsBody } from "./sections/cc6-2-credentials.ts";
import { authorizationBody } from "./sections/cc6-3-authorization.ts";
import { monitoringBody } from "./sections/cc7-2-monitoring.ts";
import { type CriterionContext, criterionSection } from "./sections/criterion.ts";
import { entryStem, overview, reportHeader } from "./sections/header.ts";
import { integritySection } from "./sections/integrity.ts";
import { verifyPanel } from "./verify-panel.ts";

/** What each known criterion adds below the common part; a newer criterion gets the common part only. */
const BODIES: Record<string, (ctx: CriterionContext) => (HTMLElement | null)[]> = {
  "CC6.1": accessControlsBody,
  "CC6.2": credentialsBody,
  "CC6.3": authorizationBody,
  "CC7.2": monitoringBody,
};

function render(root: HTMLElement): void {
  const { summary, documents } = readReportData(document);
  const anchors = new Anchors();
  const period = obj(summary.period) ?? {};
  document.title = `SOC 2 evidence ${str(period.from) ?? ""} – ${str(period.to) ?? ""}`;

  const sections: HTMLElement[] = [];
  for (const value of arr(summary.criteria)) {
    const entry: Obj = obj(value) ?? {};
    const stem = entryStem(entry);
    const ctx: CriterionContext = {
      entry,
      doc: documents[stem] ?? null,
      stem,
      file: str(entry.file) ?? stem,
      summary,
      documents,
      anchors,
    };
    const body = BODIES[str(entry.criterion) ?? ""];
    sections.push(criterionSection(ctx, body ? body(ctx) : []));
  }
  const integrityFile = str(obj(summary.integrity)?.file) ?? "audit-log-integrity.json";
  const integrityStem = fileStem(integrityFile);
  sections.push(integritySection(documents[integrityStem] ?? null, integrityStem, integrityFile, anchors));

  const nav = h(
    "nav",
    { class: "toc no-print", "aria-label": "Sections" },
    h(
      "ul",
      null,
      h("li", null, h("a", { href: "#overview" }, "At a glance")),
      ...sections.map((section) =>
        h(
          "li",
          null,
          h("a", { href: `#${section.id}` }, section.querySelector("h2")?.textContent ?? section.id),
        ),
      ),
      h("li", null, h("a", { href: "#verify" }, "Verify this package")),
    ),
  );
  root.replaceChildren(
    reportHeader(summary),
    nav,
    overview(summary, anchors),
    ...sections,
    verifyPanel(summary),
  );

  // Links to details resolve once every section has registered what it shows.
  for (const link of root.querySelectorAll<HTMLAnchorElement>("a[data-detail]")) {
    const id = anchors.resolve(link.dataset.detail ?? "");
    if (id) link.setAttribute("href", `#${id}`);
  }
  for (const link of root.querySelectorAll<HTMLAnchorElement>("a[data-target]"))
    link.setAttribute("href", `#${link.dataset.target ?? ""}`);
}

const root = document.getElementById("report");
if (root) {
  try {
    render(root);
    // How long opening took, from navigation start (read by benchmarks and the curious).
    performance.mark("report-drawn");
    document.documentElement.dataset.ready = "true";
  } catch (error) {
    root.replaceChildren(
      h(
        "p",
        { class: "verdict fail", role: "alert" },
        `This report could not be drawn: ${(error as Error).message}. The evidence files beside it are unaffected.`,
      ),
    );
    document.documentElement.dataset.ready = "error";
    throw error;
  }
}
