import { binValues, histogram } from "../charts/histogram.ts";
import { chartFigure } from "../charts/svg-chart.ts";
import { timeline } from "../charts/timeline.ts";
import { arr, at, listItems, num, obj, str } from "../data.ts";
import { h } from "../dom.ts";
import { type Column, findingsTable, staticTable } from "../findings-table.ts";
import { formatMs, shortHash } from "../format.ts";
import { type CriterionContext, listHeading, listSource, tableId } from "./criterion.ts";

const REQUEST_COLUMNS: Column[] = [
  { header: "Time", key: "timestamp", nowrap: true },
  { header: "Request id", key: "request_id" },
  { header: "Agent", key: "agent" },
  { header: "Tier", key: "tier", numeric: true },
  { header: "Method", key: "method" },
  { header: "Path", key: "path" },
  { header: "Namespace", key: "namespace" },
];

/** CC6.3: policy changes on the timeline, tier model, approval waits, escalations, break-glass. */
export function authorizationBody(ctx: CriterionContext): (HTMLElement | null)[] {
  const doc = ctx.doc;
  if (!doc) return [];
  const period = obj(doc.period) ?? obj(ctx.summary.period) ?? {};
  const out: (HTMLElement | null)[] = [];

  const changes = arr(doc.policy_changes).map((c) => obj(c) ?? {});
  out.push(listHeading(ctx, "/policy_changes", "Policy changes"));
  const svg = timeline({
    from: str(period.from) ?? "",
    to: str(period.to) ?? "",
    lanes: [
      {
        label: "policy",
        spans: [],
        points: changes.map((c) => ({
          at: str(c.timestamp) ?? "",
          shape: "change" as const,
          label: str(c.version) ?? "",
          title: `policy ${str(c.version) ?? ""} by ${str(c.actor) ?? "unknown"} at ${str(c.timestamp) ?? ""}`,
        })),
      },
    ],
    title: "Policy changes on the timeline",
    description: `${changes.length} policy changes marked as diamonds across the period, labelled with their version.`,
  });
  if (svg)
    out.push(
      chartFigure({
        kind: "policy-timeline",
        caption: "Policy changes across the period",
        svg,
        table: {
          headers: ["Time", "Version", "Actor"],
          rows: changes.map((c) => [str(c.timestamp) ?? "", str(c.version), str(c.actor)]),
        },
      }),
    );
  out.push(
    changes.length > 0
      ? staticTable({
          caption: "Policy change trail",
          headers: ["Time", "Version", "SHA-256", "Actor", "Default", "What changed per agent"],
          rows: changes.map((c) => [
            str(c.timestamp),
            str(c.version),
            shortHash(str(c.sha256)),
            str(c.actor),
            `${str(c.default_before) ?? "—"} → ${str(c.default_after) ?? "—"}`,
            arr(c.agents)
              .map(
                (a) =>
                  `${str(at(a, "agent")) ?? "?"} ${str(at(a, "change")) ?? ""} (${num(at(a, "rules_before")) ?? "?"}→${num(at(a, "rules_after")) ?? "?"} rules)`,
              )
              .join("; ") || null,
          ]),
        })
      : h("p", null, "No policy change in the period."),
  );

  const tiers = arr(doc.tier_model).map((t) => obj(t) ?? {});
  if (tiers.length > 0) {
    out.push(listHeading(ctx, "/tier_model", "Tier model in force"));
    out.push(
      staticTable({
        caption: "Risk tiers and the decisions taken at each",
        headers: ["Tier", "Name", "Meaning", "Events", "Allowed", "Escalated", "Denied"],
        rows: tiers.map((t) => [
          num(t.tier),
          str(t.name),
          str(t.description),
          num(t.events),
          num(at(t, "decisions", "allow")),
          num(at(t, "decisions", "escalate")),
          num(at(t, "decisions", "deny")),
        ]),
      }),
    );
  }

  const approvals = obj(doc.approvals) ?? {};
  const items = listItems(approvals.items);
  out.push(listHeading(ctx, "/approvals", "Approvals"));
  out.push(
    staticTable({
      caption: "Approval outcomes",
      headers: ["Requested", "Granted", "Denied", "Expired", "Wait median", "Wait p95", "Wait max"],
      rows: [
        [
          num(approvals.requested),
          num(approvals.granted),
          num(approvals.denied),
          num(approvals.expired),
          formatMs(num(at(approvals, "wait_ms", "median"))),
          formatMs(num(at(approvals, "wait_ms", "p95"))),
          formatMs(num(at(approvals, "wait_ms", "max"))),
        ],
      ],
    }),
  );
  const waits: number[] = [];
  for (const item of items.items) {
    const w = num(at(item, "wait_ms"));
    if (w !== null) waits.push(w);
  }
  if (waits.length > 0) {
    const median = num(at(approvals, "wait_ms", "median"));
    const p95 = num(at(approvals, "wait_ms", "p95"));
    const bins = binValues(waits);
    const lines = [
      ...(median !== null ? [{ label: "median", value: median }] : []),
      ...(p95 !== null ? [{ label: "p95", value: p95 }] : []),
    ];
    out.push(
      chartFigure({
        kind: "approval-waits",
        caption: `Approval wait distribution (${waits.length} approvals with a wait); median and p95 as stated in the document`,
        svg: histogram({
          bins,
          lines,
          title: "Approval wait distribution",
          description: `Histogram of approval waits; median ${formatMs(median)}, p95 ${formatMs(p95)}.`,
        }),
        table: {
          headers: ["Wait from", "Wait to", "Approvals"],
          rows: bins.filter((b) => b.count > 0).map((b) => [formatMs(b.from), formatMs(b.to), b.count]),
        },
      }),
    );
  }
  const approvers = arr(approvals.by_approver).map((a) => obj(a) ?? {});
  if (approvers.length > 0)
    out.push(
      staticTable({
        caption: "Approvals by approver",
        headers: ["Approver", "Granted", "Denied", "Expired", "Total"],
        rows: approvers.map((a) => [
          str(a.approver),
          num(a.granted),
          num(a.denied),
          num(a.expired),
          num(a.total),
        ]),
      }),
    );

  const unresolved = listItems(doc.unresolved_escalations);
  out.push(listHeading(ctx, "/unresolved_escalations", "Unresolved escalations"));
  out.push(
    findingsTable({
      id: tableId(ctx, "/unresolved_escalations/items"),
      caption: "Unresolved escalations",
      total: unresolved.total,
      rows: unresolved.items,
      source: listSource(ctx, "/unresolved_escalations"),
      columns: [
        ...REQUEST_COLUMNS,
        { header: "Log file", key: "file" },
        { header: "Line", key: "line", numeric: true },
      ],
    }),
  );
  const breakGlass = listItems(doc.break_glass);
  out.push(listHeading(ctx, "/break_glass", "Break-glass (tier 4) requests"));
  out.push(
    findingsTable({
      id: tableId(ctx, "/break_glass/items"),
      caption: "Break-glass requests",
      total: breakGlass.total,
      rows: breakGlass.items,
      source: listSource(ctx, "/break_glass"),
      columns: [
        ...REQUEST_COLUMNS,
        { header: "Decision", key: "decision" },
        { header: "Log file", key: "file" },
        { header: "Line", key: "line", numeric: true },
      ],
    }),
  );
  out.push(listHeading(ctx, "/approvals/items", "Every approval"));
  out.push(
    findingsTable({
      id: tableId(ctx, "/approvals/items/list"),
      caption: "Approvals",
      total: items.total,
      rows: items.items,
      source: listSource(ctx, "/approvals/items"),
      columns: [
        ...REQUEST_COLUMNS,
        { header: "Outcome", key: "outcome" },
        { header: "Approver", key: "approver" },
        { header: "Wait ms", key: "wait_ms", numeric: true },
      ],
    }),
  );
  const byAgent = arr(doc.by_agent).map((a) => obj(a) ?? {});
  if (byAgent.length > 0) {
    out.push(listHeading(ctx, "/by_agent", "Escalations per agent"));
    out.push(
      staticTable({
        caption: "Escalations and their outcomes per agent",
        headers: ["Agent", "Escalations", "Granted", "Denied", "Expired", "Unresolved", "Break-glass"],
        rows: byAgent.map((a) => [
          str(a.agent),
          num(a.escalations),
          num(a.granted),
          num(a.denied),
          num(a.expired),
          num(a.unresolved),
          num(a.break_glass),
        ]),
      }),
    );
  }
  return out;
}
