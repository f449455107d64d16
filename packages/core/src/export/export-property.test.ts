import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateHome } from "@iddio-compliance/simulator";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { readLogIndependently } from "../test-support/read-log-independently.ts";
import { exportEvidence } from "./export-evidence.ts";

// Property test of issue 10: many simulated homes, each with the record orders and edges the world
// produces (outcome before/after its escalation, both on the line and in a record, same-second
// events, non-UTC offsets, boundaries at local midnight and 23:59:59.999 in zones with DST changes,
// credentials changed after the period, hostile names), exported in JSON and CSV, compared with a
// recount written here from the raw log — never by calling the mappers.

const SEEDS = Number(process.env.IDDIO_PROPERTY_SEEDS ?? 50);
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"];
const MONTHS: [string, string][] = [
  ["2026-03-01", "2026-03-31"], // DST starts in Europe and the US
  ["2026-10-01", "2026-10-31"], // DST ends in Europe, starts in Sydney
  ["2026-02-01", "2026-02-28"],
  ["2026-11-01", "2026-11-30"], // DST ends in the US
];
const RECORD_MODES = ["line", "record", "both", "mixed"] as const;
const ORDERS = ["line-first", "outcome-first", "mixed"] as const;
const LOOKBACK_MS = 7 * 86_400_000;

type Rec = Record<string, any>;
type Outcome = "granted" | "denied" | "expired";

/** The world one seed simulates. */
function worldOf(seed: number) {
  const [from, to] = MONTHS[seed % MONTHS.length] as [string, string];
  return {
    seed: `property-${seed}`,
    from,
    to,
    zone: ZONES[seed % ZONES.length] as string,
    events: 700 + (seed % 5) * 60,
    preambleDays: 2,
    approvalRecords: RECORD_MODES[seed % RECORD_MODES.length],
    approvalOrder: ORDERS[Math.floor(seed / 4) % ORDERS.length],
    outcomeFirstTimestamp: seed % 3 === 0 ? ("requested" as const) : ("resolved" as const),
    timestampOffsets: seed % 2 === 0 ? 0.3 : 0,
    subsecondTimestamps: seed % 3 !== 1,
    sameSecondBursts: seed % 4 === 1 ? 0.08 : 0.02,
    afterDays: seed % 5 === 0 ? 0 : 4,
    awkwardAgentNames: seed % 3 === 2,
    awkwardCommands: seed % 2 === 1,
  };
}

/** Nearest rank: the smallest value with at least q of the values at or below it. */
function nearestRank(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

function localDate(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  })
    .formatToParts(new Date(ms))
    .filter((p) => p.type !== "literal")
    .map((p) => p.value);
  return parts.join("-");
}

/** Recounts the figures of a period from the raw records, by the rules of docs/data-contract.md §4. */
function recount(records: Rec[], start: number, end: number, zone: string) {
  const at = (r: Rec) => Date.parse(r.timestamp);
  const inPeriod = records.filter((r) => at(r) >= start && at(r) < end);
  const isCommand = (r: Rec) =>
    r.event === undefined &&
    typeof r.agent === "string" &&
    Number.isInteger(r.tier) &&
    r.tier >= 0 &&
    r.tier <= 4 &&
    ["allow", "escalate", "deny"].includes(r.decision);
  const commands = inPeriod.filter(isCommand);

  const agents = new Map<
    string,
    { total: number; tiers: number[]; allow: number; escalate: number; deny: number }
  >();
  for (const c of commands) {
    const a = agents.get(c.agent) ?? { total: 0, tiers: [0, 0, 0, 0, 0], allow: 0, escalate: 0, deny: 0 };
    a.total++;
    (a.tiers[c.tier] as number)++;
    (a as any)[c.decision]++;
    agents.set(c.agent, a);
  }

  // Outcomes: the escalated line's own (decided at its time + wait), else the first approval record.
  const recordsById = new Map<string, Rec[]>();
  for (const r of records)
    if (typeof r.event === "string" && /^approval\.(granted|denied|expired)$/.test(r.event) && r.request_id)
      recordsById.set(r.request_id, [...(recordsById.get(r.request_id) ?? []), r]);
  const outcomeBy = (
    e: Rec,
    limit: number,
  ): { outcome: Outcome; wait: number | null; decided: number } | null => {
    if (["granted", "denied", "expired"].includes(e.approval)) {
      const decided = at(e) + (e.approval_wait_ms ?? 0);
      if (decided < limit) return { outcome: e.approval, wait: e.approval_wait_ms ?? null, decided };
    }
    const record = (e.request_id ? (recordsById.get(e.request_id) ?? []) : []).find((r) => at(r) < limit);
    if (!record) return null;
    return {
      outcome: record.event.slice("approval.".length),
      wait: record.wait_ms ?? null,
      decided: at(record),
    };
  };
  const escalations = commands.filter((c) => c.decision === "escalate");
  const byAgent = new Map<
    string,
    { escalations: number; granted: number; denied: number; expired: number; unresolved: number }
  >();
  const totals = { granted: 0, denied: 0, expired: 0, unresolved: 0 };
  const waits: number[] = [];
  for (const e of escalations) {
    const a = byAgent.get(e.agent) ?? { escalations: 0, granted: 0, denied: 0, expired: 0, unresolved: 0 };
    a.escalations++;
    const o = outcomeBy(e, end);
    const key = o ? o.outcome : "unresolved";
    a[key]++;
    totals[key]++;
    if (o && o.wait !== null) waits.push(o.wait);
    byAgent.set(e.agent, a);
  }
  const earlier = records.filter(
    (r) => isCommand(r) && r.decision === "escalate" && at(r) < start && at(r) >= start - LOOKBACK_MS,
  );
  let requestedEarlier = 0;
  for (const e of earlier) {
    const o = outcomeBy(e, end);
    if (o && o.decided >= start) requestedEarlier++;
  }

  const days = new Map<string, number>();
  for (const r of inPeriod) days.set(localDate(at(r), zone), (days.get(localDate(at(r), zone)) ?? 0) + 1);

  return {
    agents: [...agents.keys()].sort().map((name) => {
      const a = agents.get(name) as {
        total: number;
        tiers: number[];
        allow: number;
        escalate: number;
        deny: number;
      };
      return [name, a.total, a.tiers, a.allow, a.escalate, a.deny];
    }),
    commandEvents: commands.length,
    deniedRequests: commands.filter((c) => c.decision === "deny").length,
    escalations: escalations.length,
    granted: totals.granted,
    approvalsDenied: totals.denied,
    expired: totals.expired,
    unresolved: totals.unresolved,
    byAgent: [...byAgent.keys()].sort().map((name) => {
      const a = byAgent.get(name) as {
        escalations: number;
        granted: number;
        denied: number;
        expired: number;
        unresolved: number;
      };
      return [name, a.escalations, a.granted, a.denied, a.expired, a.unresolved];
    }),
    median: nearestRank(waits, 0.5),
    p95: nearestRank(waits, 0.95),
    requestedEarlier,
    eventsInPeriod: inPeriod.length,
    days: [...days.entries()].sort(),
  };
}

function figuresOfJson(out: string) {
  const read = (f: string) => JSON.parse(readFileSync(join(out, f), "utf8"));
  const cc61 = read("cc6.1-access-controls.json");
  const cc63 = read("cc6.3-authorization-changes.json");
  const cc72 = read("cc7.2-monitoring-evidence.json");
  return {
    agents: cc61.agents.map((a: Rec) => [
      a.name,
      a.total_requests,
      [0, 1, 2, 3, 4].map((t) => a.by_tier[String(t)]),
      a.by_decision.allow,
      a.by_decision.escalate,
      a.by_decision.deny,
    ]),
    commandEvents: cc61.population.command_events,
    deniedRequests: cc61.denied_requests.total,
    escalations: cc63.population.escalations,
    granted: cc63.approvals.granted,
    approvalsDenied: cc63.approvals.denied,
    expired: cc63.approvals.expired,
    unresolved: cc63.unresolved_escalations.total,
    byAgent: cc63.by_agent
      .filter((a: Rec) => a.escalations > 0)
      .map((a: Rec) => [a.agent, a.escalations, a.granted, a.denied, a.expired, a.unresolved]),
    median: cc63.approvals.wait_ms.median,
    p95: cc63.approvals.wait_ms.p95,
    requestedEarlier: cc63.approvals.requested_earlier.total,
    eventsInPeriod: cc72.population.events_in_period,
    days: cc72.daily_activity.filter((d: Rec) => d.events > 0).map((d: Rec) => [d.date, d.events]),
  };
}

function figuresOfCsv(out: string) {
  const read = (f: string) => parseCsv(readFileSync(join(out, f)), { columns: true }) as Rec[];
  const n = (v: string) => Number(v);
  const approvals = read("cc6.3-approvals.csv");
  const inPeriod = approvals.filter((a) => a.population === "period");
  const waits = inPeriod.filter((a) => a.wait_ms !== "").map((a) => n(a.wait_ms));
  return {
    agents: read("cc6.1-access-controls.csv").map((a) => [
      a.agent,
      n(a.total_requests),
      [0, 1, 2, 3, 4].map((t) => n(a[`tier_${t}`])),
      n(a.allow),
      n(a.escalate),
      n(a.deny),
    ]),
    deniedRequests: read("cc6.1-denied-requests.csv").length,
    granted: inPeriod.filter((a) => a.outcome === "granted").length,
    approvalsDenied: inPeriod.filter((a) => a.outcome === "denied").length,
    expired: inPeriod.filter((a) => a.outcome === "expired").length,
    unresolved: read("cc6.3-unresolved-escalations.csv").length,
    byAgent: read("cc6.3-authorization-changes.csv")
      .filter((a) => n(a.escalations) > 0)
      .map((a) => [a.agent, n(a.escalations), n(a.granted), n(a.denied), n(a.expired), n(a.unresolved)]),
    median: nearestRank(waits, 0.5),
    p95: nearestRank(waits, 0.95),
    requestedEarlier: approvals.filter((a) => a.population === "requested_earlier").length,
    days: read("cc7.2-daily-activity.csv")
      .filter((d) => n(d.events) > 0)
      .map((d) => [d.date, n(d.events)]),
  };
}

/** A CSV cell as the JSON holds it: the neutralising quote taken off. */
const unquote = (s: string) => (s.startsWith("'") ? s.slice(1) : s);

describe("exports of many simulated homes agree with an independent recount", () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const world = worldOf(seed);
    it(`seed ${seed}: ${world.zone} ${world.from}…${world.to}, approvals ${world.approvalRecords}/${world.approvalOrder}, ${world.afterDays} days after`, async () => {
      const base = mkdtempSync(join(tmpdir(), `property-${seed}-`));
      const { from, to, zone, ...options } = world;
      const home = join(base, "home");
      const generated = await generateHome({ ...options, outDir: home, from, to, boundaryZone: zone });
      const now = () => new Date(generated.period.end + 40 * 86_400_000);
      const run = (format: "json" | "csv", source: string) =>
        exportEvidence({
          source,
          from,
          to,
          timeZone: zone,
          format,
          output: join(base, `${format}-${source === home ? "home" : "closed"}`),
          now,
        });
      await run("json", home);
      await run("csv", home);
      const expected = recount(
        readLogIndependently(home),
        generated.period.start,
        generated.period.end,
        zone,
      );
      const json = figuresOfJson(join(base, "json-home"));
      expect(json).toEqual(expected);

      // CSV of the same period: the same figures (names neutralised for spreadsheets aside).
      const csv = figuresOfCsv(join(base, "csv-home"));
      const asJson = (rows: unknown[][]) => rows.map(([name, ...rest]) => [unquote(String(name)), ...rest]);
      expect({ ...csv, agents: asJson(csv.agents), byAgent: asJson(csv.byAgent) }).toEqual({
        agents: expected.agents,
        deniedRequests: expected.deniedRequests,
        granted: expected.granted,
        approvalsDenied: expected.approvalsDenied,
        expired: expected.expired,
        unresolved: expected.unresolved,
        byAgent: expected.byAgent,
        median: expected.median,
        p95: expected.p95,
        requestedEarlier: expected.requestedEarlier,
        days: expected.days,
      });

      // A closed period's package does not change as the log (and the home's files) move on:
      // the same world without the days after the period gives the same criteria.
      if (world.afterDays > 0) {
        const closed = join(base, "closed");
        await generateHome({ ...options, afterDays: 0, outDir: closed, from, to, boundaryZone: zone });
        await run("json", closed);
        // The simulator may spell an instant's fraction differently in the two logs (".000" or
        // none): compare instants, not their spelling.
        const instants = (text: string) =>
          text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (m) =>
            new Date(Date.parse(m)).toISOString(),
          );
        // Records written after their wait (outcome first) can sit at other line numbers when the
        // log goes on, so items are compared without where they were read.
        const read = (dir: string, f: string) =>
          JSON.parse(instants(readFileSync(join(base, dir, f), "utf8")), (key, value) =>
            key === "line" || key === "file" ? undefined : value,
          );
        for (const f of [
          "cc6.1-access-controls.json",
          "cc6.2-credential-lifecycle.json",
          "cc6.3-authorization-changes.json",
        ])
          expect(read("json-home", f), f).toEqual(read("json-closed", f));
        const { audit_log: _a, ...grown } = read("json-home", "cc7.2-monitoring-evidence.json");
        const { audit_log: _b, ...shut } = read("json-closed", "cc7.2-monitoring-evidence.json");
        expect(grown).toEqual(shut);
      }
    }, 120_000);
  }
});
