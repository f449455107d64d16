import type { AuditLogIntegrity } from "@iddio-compliance/schema";
import { sha256OfFile } from "../sources/recordings.ts";
import { periodDates } from "../time/period.ts";
import { Assessment, type PeriodFacts } from "./assessment.ts";
import type { CommandEvent, Mapper, MapperContext, RecordTime } from "./mapper-context.ts";
import { int, sortStrings, stampOfMs, str } from "./mapper-context.ts";

/** A stretch of the period with no audit event at all longer than this is reported as silent. */
const SILENT_PERIOD_HOURS = 24;
const HOUR_MS = 3_600_000;

interface DayCounts {
  events: number;
  allow: number;
  escalate: number;
  deny: number;
}

interface AgentMonitoring {
  events: number;
  first: string;
  last: string;
  exec: number;
  api: number;
  bytes: number;
}

interface SessionRef {
  id: string;
  sha256: string | undefined;
}

/**
 * CC7.2 System monitoring: the chain verdict over the period, session recordings (with missing
 * files and digest mismatches), classification coverage, daily activity and silent periods.
 */
export class MonitoringEvidenceMapper implements Mapper {
  readonly #ctx: MapperContext;
  readonly #days = new Map<string, DayCounts>();
  readonly #byAgent = new Map<string, AgentMonitoring>();
  readonly #silent: { from: string; to: string; hours: number }[] = [];
  readonly #sessions: SessionRef[] = [];
  readonly #byTier: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  #events = 0;
  #unclassified = 0;
  #commands = 0;
  #lifecycle = 0;
  #first: string | null = null;
  #last: string | null = null;
  #lastMs: number;
  #lastStamp: string;
  #exec = 0;
  #api = 0;
  #bytes = 0;

  constructor(ctx: MapperContext) {
    this.#ctx = ctx;
    this.#lastMs = ctx.period.startMs;
    this.#lastStamp = stampOfMs(ctx.period.startMs);
  }

  command(event: CommandEvent, time: RecordTime): void {
    if (!time.inPeriod) return;
    this.#commands++;
    this.#byTier[event.tier as 0 | 1 | 2 | 3 | 4]++;
    const day = this.#see(event.timestamp, time.ms, event.agent);
    day[event.decision]++;
  }

  lifecycle(record: Record<string, unknown>, kind: string, time: RecordTime): void {
    if (!time.inPeriod) return;
    this.#lifecycle++;
    const agent = str(record, "agent");
    this.#see(str(record, "timestamp") ?? "", time.ms, agent);
    if (kind !== "session.recorded") return;
    const type = str(record, "type");
    const bytes = int(record, "bytes") ?? 0;
    if (type === "exec") this.#exec++;
    else if (type === "api") this.#api++;
    this.#bytes += bytes;
    const a = agent === undefined ? undefined : this.#byAgent.get(agent);
    if (a) {
      if (type === "exec") a.exec++;
      else if (type === "api") a.api++;
      a.bytes += bytes;
    }
    const id = str(record, "session_id");
    if (id) this.#sessions.push({ id, sha256: str(record, "sha256") });
  }

  unrecognised(record: Record<string, unknown>, time: RecordTime): void {
    if (!time.inPeriod) return;
    if (typeof record.event === "string") this.#lifecycle++;
    else {
      this.#commands++;
      this.#unclassified++;
    }
    this.#see(str(record, "timestamp") ?? "", time.ms, str(record, "agent"));
  }

  #see(stamp: string, ms: number, agent: string | undefined): DayCounts {
    this.#events++;
    if (this.#first === null) this.#first = stamp;
    this.#last = stamp;
    if (ms - this.#lastMs > SILENT_PERIOD_HOURS * HOUR_MS) {
      this.#silent.push({ from: this.#lastStamp, to: stamp, hours: round1((ms - this.#lastMs) / HOUR_MS) });
    }
    if (ms >= this.#lastMs) {
      this.#lastMs = ms;
      this.#lastStamp = stamp;
    }
    if (agent !== undefined) {
      let a = this.#byAgent.get(agent);
      if (!a) {
        a = { events: 0, first: stamp, last: stamp, exec: 0, api: 0, bytes: 0 };
        this.#byAgent.set(agent, a);
      }
      a.events++;
      a.last = stamp;
    }
    const date = this.#ctx.dates.dateOf(ms);
    let day = this.#days.get(date);
    if (!day) {
      day = { events: 0, allow: 0, escalate: 0, deny: 0 };
      this.#days.set(date, day);
    }
    day.events++;
    return day;
  }

  async finish(integrity: AuditLogIntegrity, facts: PeriodFacts) {
    const { period, inputs, now } = this.#ctx;
    const periodEnd = Math.min(period.endMs, now.getTime());
    if (periodEnd - this.#lastMs > SILENT_PERIOD_HOURS * HOUR_MS) {
      const to = stampOfMs(periodEnd);
      this.#silent.push({ from: this.#lastStamp, to, hours: round1((periodEnd - this.#lastMs) / HOUR_MS) });
    }
    const missing: string[] = [];
    const recordings = inputs.recordings;
    if (!recordings) missing.push("recordings/ (session recording files)");
    const missingFiles: string[] = [];
    const mismatches: string[] = [];
    if (recordings) {
      for (const s of this.#sessions) {
        const file = recordings.get(s.id);
        if (!file) missingFiles.push(s.id);
        else if (s.sha256 && (await sha256OfFile(file.path)) !== s.sha256) mismatches.push(s.id);
      }
    }
    const gaps = integrity.finding_counts.link_break ?? 0;
    const verified = integrity.verified;
    const classified = this.#commands - this.#unclassified;
    const dates = periodDates(period);
    const assessment = new Assessment((pointer) => this.#ctx.listLocation("cc72", pointer));
    assessment.add(
      "attention",
      "missing_recordings",
      missingFiles.length,
      `${missingFiles.length} recorded session(s) have no recording file`,
      "/session_recordings/missing",
    );
    assessment.add(
      "attention",
      "altered_recordings",
      mismatches.length,
      `${mismatches.length} recording file(s) do not match the SHA-256 their session.recorded record states`,
      "/session_recordings/digest_mismatches",
    );
    assessment.add(
      "attention",
      "silent_periods",
      this.#silent.length,
      `${this.#silent.length} stretch(es) longer than ${SILENT_PERIOD_HOURS} hours with no audit event`,
      "/silent_periods",
    );
    return {
      criterion: "CC7.2",
      title: "System monitoring",
      period: this.#ctx.periodHeader,
      ...assessment.result(facts, missing),
      missing_inputs: missing,
      population: {
        events_in_period: this.#events,
        command_events: this.#commands,
        lifecycle_records: this.#lifecycle,
        days_in_period: dates.length,
      },
      audit_log: {
        total_events: this.#events,
        chain_events: integrity.total_events,
        hash_chain_verified: verified,
        first_event: this.#first,
        last_event: this.#last,
        gaps_detected: gaps,
        chain_head: integrity.chain_head,
        files: integrity.files.length,
        findings: Object.values(integrity.finding_counts).reduce((a, b) => a + b, 0),
      },
      session_recordings: {
        exec_sessions: this.#exec,
        api_sessions: this.#api,
        total_bytes_recorded: this.#bytes,
        missing: missingFiles,
        digest_mismatches: mismatches,
      },
      classification_coverage: {
        command_events: this.#commands,
        classified,
        unclassified: this.#unclassified,
        by_tier: {
          "0": this.#byTier[0],
          "1": this.#byTier[1],
          "2": this.#byTier[2],
          "3": this.#byTier[3],
          "4": this.#byTier[4],
        },
      },
      daily_activity: dates.map((date) => ({
        date,
        ...(this.#days.get(date) ?? { events: 0, allow: 0, escalate: 0, deny: 0 }),
      })),
      silent_periods: this.#silent,
      by_agent: sortStrings(this.#byAgent.keys()).map((agent) => {
        const a = this.#byAgent.get(agent) as AgentMonitoring;
        return {
          agent,
          events: a.events,
          first_event: a.first,
          last_event: a.last,
          exec_sessions: a.exec,
          api_sessions: a.api,
          bytes_recorded: a.bytes,
        };
      }),
    };
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
