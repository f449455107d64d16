import { DECISION_SERIES, tierSeries } from "../charts/palette.ts";
import { stackedBars } from "../charts/stacked-bars.ts";
import { chartFigure, legend } from "../charts/svg-chart.ts";
import { arr, at, listItems, num, obj, str } from "../data.ts";
import { h } from "../dom.ts";
import { findingsTable, staticTable } from "../findings-table.ts";
import { shortHash } from "../format.ts";
import { type CriterionContext, listHeading, listSource, tableId, tierNames } from "./criterion.ts";

const TIERS = ["0", "1", "2", "3", "4"] as const;
const DECISIONS = ["allow", "escalate", "deny"] as const;

/** CC6.1: requests by tier and decision per agent, the policy in force, denied requests. */
export function accessControlsBody(ctx: CriterionContext): (HTMLElement | null)[] {
  const doc = ctx.doc;
  if (!doc) return [];
  const agents = arr(doc.agents).map((a) => obj(a) ?? {});
  const names = tierNames(ctx.documents);
  const out: (HTMLElement | null)[] = [];
  out.push(listHeading(ctx, "/agents", "Requests per agent"));
  if (agents.length > 0) {
    const tiers = tierSeries(names);
    const tierRows = agents.map((a) => ({
      label: str(a.name) ?? "?",
      values: TIERS.map((t) => num(at(a, "by_tier", t)) ?? 0),
    }));
    out.push(
      chartFigure({
        kind: "requests-by-tier",
        caption: "Requests by risk tier, per agent",
        svg: stackedBars(
          tierRows,
          tiers,
          "Requests by tier per agent",
          "Stacked bars: each agent's requests split by risk tier 0 to 4.",
        ),
        legend: legend(tiers),
        table: {
          headers: ["Agent", ...tiers.map((t) => t.name)],
          rows: tierRows.map((r) => [r.label, ...r.values]),
        },
      }),
    );
    const decisionRows = agents.map((a) => ({
      label: str(a.name) ?? "?",
      values: DECISIONS.map((d) => num(at(a, "by_decision", d)) ?? 0),
    }));
    out.push(
      chartFigure({
        kind: "requests-by-decision",
        caption: "Requests by policy decision, per agent",
        svg: stackedBars(
          decisionRows,
          DECISION_SERIES,
          "Requests by decision per agent",
          "Stacked bars: each agent's requests split into allowed, escalated and denied.",
        ),
        legend: legend(DECISION_SERIES),
        table: { headers: ["Agent", ...DECISIONS], rows: decisionRows.map((r) => [r.label, ...r.values]) },
      }),
    );
    out.push(
      staticTable({
        caption: "Agent inventory",
        headers: [
          "Agent",
          "Identity",
          "SPIFFE id",
          "First seen",
          "Last seen",
          "Requests",
          "Denied",
          "Namespaces",
          "Protocols",
        ],
        rows: agents.map((a) => [
          str(a.name) ?? "?",
          str(a.identity_type),
          str(a.spiffe_id),
          str(a.first_seen),
          str(a.last_seen),
          num(a.total_requests),
          num(at(a, "by_decision", "deny")),
          arr(a.namespaces).map(String).join(", "),
          arr(a.protocols).map(String).join(", "),
        ]),
      }),
    );
  }
  const policy = obj(doc.policy);
  if (policy) {
    out.push(listHeading(ctx, "/policy", "Policy in force"));
    const snap = (label: string, value: unknown): (string | null)[] => {
      const o = obj(value);
      return [label, str(o?.version), shortHash(str(o?.sha256)), str(o?.source), str(o?.as_of)];
    };
    out.push(
      staticTable({
        caption: "Policy at the start and end of the period",
        headers: ["When", "Version", "SHA-256", "Source", "As of"],
        rows: [snap("Start", policy.at_start), snap("End", policy.at_end)],
      }),
    );
    const changes = arr(policy.changes).map((c) => obj(c) ?? {});
    out.push(
      changes.length > 0
        ? staticTable({
            caption: "Policy changes in the period",
            headers: ["Time", "Version", "SHA-256", "Actor"],
            rows: changes.map((c) => [
              str(c.timestamp),
              str(c.version),
              shortHash(str(c.sha256)),
              str(c.actor),
            ]),
          })
        : h("p", null, "No policy change in the period."),
    );
  }
  const denied = listItems(doc.denied_requests);
  out.push(listHeading(ctx, "/denied_requests", "Denied requests"));
  out.push(
    findingsTable({
      id: tableId(ctx, "/denied_requests/items"),
      caption: "Denied requests",
      total: denied.total,
      rows: denied.items,
      source: listSource(ctx, "/denied_requests"),
      columns: [
        { header: "Time", key: "timestamp", nowrap: true },
        { header: "Agent", key: "agent" },
        { header: "Protocol", key: "protocol" },
        { header: "Method", key: "method" },
        { header: "Path", key: "path" },
        { header: "Namespace", key: "namespace" },
        { header: "Tier", key: "tier", numeric: true },
        { header: "Log file", key: "file" },
        { header: "Line", key: "line", numeric: true },
      ],
    }),
  );
  return out;
}
