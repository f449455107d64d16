import { dailyActivity } from "../charts/daily-activity.ts";
import { DECISION_SERIES, tierSeries } from "../charts/palette.ts";
import { chartFigure, legend } from "../charts/svg-chart.ts";
import { arr, at, num, obj, str } from "../data.ts";
import { h } from "../dom.ts";
import { staticTable } from "../findings-table.ts";
import { formatValue, humanise } from "../format.ts";
import { type CriterionContext, listHeading, tierNames } from "./criterion.ts";

/** Policy changes from whichever document lists them (CC6.3's trail, else CC6.1's references). */
function policyMarks(documents: Record<string, unknown>): { at: string; label: string }[] {
  for (const doc of Object.values(documents)) {
    const changes = arr(at(doc, "policy_changes"));
    if (changes.length > 0)
      return changes.map((c) => ({
        at: str(at(c, "timestamp")) ?? "",
        label: str(at(c, "version")) ?? "policy",
      }));
  }
  for (const doc of Object.values(documents)) {
    const changes = arr(at(doc, "policy", "changes"));
    if (changes.length > 0)
      return changes.map((c) => ({
        at: str(at(c, "timestamp")) ?? "",
        label: str(at(c, "version")) ?? "policy",
      }));
  }
  return [];
}

function keyValues(value: unknown, field: string): HTMLElement {
  const o = obj(value) ?? {};
  return h(
    "dl",
    { class: "inline-dl" },
    ...Object.entries(o)
      .filter(([, v]) => v === null || typeof v !== "object")
      .flatMap(([key, v]) => [
        h("dt", null, humanise(key)),
        h("dd", { "data-field": `${field}.${key}`, "data-value": JSON.stringify(v) }, formatValue(v, key)),
      ]),
  );
}

/** CC7.2: the audit log, daily activity with silent periods, recordings, coverage. */
export function monitoringBody(ctx: CriterionContext): (HTMLElement | null)[] {
  const doc = ctx.doc;
  if (!doc) return [];
  const criterion = str(ctx.entry.criterion) ?? "CC7.2";
  const period = obj(doc.period) ?? obj(ctx.summary.period) ?? {};
  const out: (HTMLElement | null)[] = [];
  out.push(listHeading(ctx, "/audit_log", "Audit log"));
  out.push(keyValues(doc.audit_log, `${criterion}.audit_log`));

  const days = arr(doc.daily_activity).map((d) => obj(d) ?? {});
  const silent = arr(doc.silent_periods).map((p) => obj(p) ?? {});
  out.push(listHeading(ctx, "/daily_activity", "Daily activity"));
  const svg = dailyActivity({
    from: str(period.from) ?? "",
    to: str(period.to) ?? "",
    days: days.map((d) => ({
      date: str(d.date) ?? "",
      allow: num(d.allow) ?? 0,
      escalate: num(d.escalate) ?? 0,
      deny: num(d.deny) ?? 0,
    })),
    silent: silent.map((p) => ({ from: str(p.from) ?? "", to: str(p.to) ?? "", hours: num(p.hours) })),
    marks: policyMarks(ctx.documents),
    title: "Daily activity",
    description: `Requests per day split into allowed, escalated and denied; ${silent.length} silent period(s) shaded; policy changes as dashed rules.`,
  });
  if (svg)
    out.push(
      chartFigure({
        kind: "daily-activity",
        caption:
          "Requests per day (stacked by decision); shaded: silent periods; dashed rules: policy changes",
        svg,
        legend: legend([...DECISION_SERIES, { name: "silent period", colour: "#bdbdbd" }]),
        table: {
          headers: ["Date", "Events", "Allowed", "Escalated", "Denied"],
          rows: days.map((d) => [
            str(d.date) ?? "",
            num(d.events) ?? 0,
            num(d.allow) ?? 0,
            num(d.escalate) ?? 0,
            num(d.deny) ?? 0,
          ]),
        },
      }),
    );
  out.push(listHeading(ctx, "/silent_periods", "Silent periods"));
  out.push(
    silent.length > 0
      ? staticTable({
          caption: "Silent periods (no event for longer than the threshold)",
          headers: ["From", "To", "Hours"],
          rows: silent.map((p) => [str(p.from), str(p.to), num(p.hours)]),
        })
      : h("p", null, "No silent period."),
  );

  const rec = obj(doc.session_recordings) ?? {};
  out.push(listHeading(ctx, "/session_recordings", "Session recordings"));
  out.push(keyValues(rec, `${criterion}.session_recordings`));
  const missing = arr(rec.missing).map(String);
  const mismatches = arr(rec.digest_mismatches).map(String);
  out.push(listHeading(ctx, "/session_recordings/missing", "Missing recordings"));
  out.push(
    missing.length > 0
      ? staticTable({
          caption: "Sessions whose recording is missing",
          headers: ["Session"],
          rows: missing.map((m) => [m]),
        })
      : h("p", null, "No recording missing."),
  );
  if (mismatches.length > 0) {
    out.push(listHeading(ctx, "/session_recordings/digest_mismatches", "Recordings whose digest differs"));
    out.push(
      staticTable({
        caption: "Recordings altered after they were recorded",
        headers: ["Recording"],
        rows: mismatches.map((m) => [m]),
      }),
    );
  }

  const coverage = obj(doc.classification_coverage);
  if (coverage) {
    out.push(listHeading(ctx, "/classification_coverage", "Classification coverage"));
    out.push(keyValues(coverage, `${criterion}.classification_coverage`));
    const names = tierSeries(tierNames(ctx.documents));
    out.push(
      staticTable({
        caption: "Command events by tier",
        headers: ["Tier", "Events"],
        rows: ["0", "1", "2", "3", "4"].map((t, i) => [names[i]?.name ?? t, num(at(coverage, "by_tier", t))]),
      }),
    );
  }
  const byAgent = arr(doc.by_agent).map((a) => obj(a) ?? {});
  if (byAgent.length > 0) {
    out.push(listHeading(ctx, "/by_agent", "Monitoring per agent"));
    out.push(
      staticTable({
        caption: "Events and recordings per agent",
        headers: [
          "Agent",
          "Events",
          "First event",
          "Last event",
          "Exec sessions",
          "API sessions",
          "Bytes recorded",
        ],
        rows: byAgent.map((a) => [
          str(a.agent),
          num(a.events),
          str(a.first_event),
          str(a.last_event),
          num(a.exec_sessions),
          num(a.api_sessions),
          num(a.bytes_recorded),
        ]),
      }),
    );
  }
  return out;
}
