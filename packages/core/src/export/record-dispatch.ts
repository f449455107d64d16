import { LIFECYCLE_KINDS } from "@iddio-compliance/schema/wire";
import { APPROVAL_LOOKBACK_MS } from "../mappers/approval-linker.ts";
import type { CommandEvent, Mapper, RecordTime } from "../mappers/mapper-context.ts";
import type { PolicyTrail } from "../mappers/policy-trail.ts";
import type { RecordLocation } from "../sources/read-audit-chain.ts";
import type { Period } from "../time/period.ts";
import { utcTimestamp } from "../time/utc-timestamp.ts";

const KNOWN_KINDS = new Set(LIFECYCLE_KINDS);
const DECISIONS = new Set(["allow", "escalate", "deny"]);
const UNREADABLE = "(line whose hash verifies but that is not a JSON record)";
const INVALID_COMMAND = "(command event without agent, tier 0-4 or decision)";

/**
 * Classifies each record once (command event or lifecycle record), places it in time relative
 * to the period, and hands it to every mapper: the one pass of DESIGN §9. Records it cannot
 * classify are counted by kind for the summary, never dropped silently.
 */
export class RecordDispatch {
  readonly #mappers: readonly Mapper[];
  readonly #policy: PolicyTrail;
  readonly #period: Period;
  readonly unrecognised = new Map<string, number>();
  /** Records (command events, lifecycle records, unrecognised ones) timestamped in the period. */
  recordsInPeriod = 0;

  /**
   * Command events matter in the period; before it, only escalations within the approval
   * lookback do (an outcome in the period may resolve them). Mappers ignore the others.
   */
  readonly commandWindow: { startMs: number; endMs: number; escalationsFromMs: number };

  constructor(
    period: Period,
    policy: PolicyTrail,
    mappers: readonly Mapper[],
    carried: readonly (readonly [string, number])[] = [],
  ) {
    for (const [kind, n] of carried) this.unrecognised.set(kind, n);
    this.#period = period;
    this.commandWindow = {
      startMs: period.startMs,
      endMs: period.endMs,
      escalationsFromMs: period.startMs - APPROVAL_LOOKBACK_MS,
    };
    this.#policy = policy;
    this.#mappers = mappers;
  }

  /** Consumes one verified record. */
  readonly consume = (record: Record<string, unknown>, at: RecordLocation): void => {
    const stamp = record.timestamp;
    const ms = at.timeMs ?? (typeof stamp === "string" ? Date.parse(stamp) : Number.NaN);
    if (Number.isNaN(ms)) {
      this.#unrecognised("(record without a valid timestamp)");
      return;
    }
    const time: RecordTime = {
      ms,
      before: ms < this.#period.startMs,
      inPeriod: ms >= this.#period.startMs && ms < this.#period.endMs,
      after: ms >= this.#period.endMs,
    };
    // Evidence states every time in UTC, with the precision the log wrote.
    if (typeof stamp === "string") record.timestamp = utcTimestamp(stamp, ms);
    if (time.inPeriod) this.recordsInPeriod++;
    const kind = record.event;
    if (typeof kind === "string") {
      if (!KNOWN_KINDS.has(kind)) {
        this.#unrecognised(kind, record, time);
        return;
      }
      if (kind === "policy.changed") this.#policy.consume(record, time);
      for (const mapper of this.#mappers) mapper.lifecycle(record, kind, time, at);
      return;
    }
    // Command events outside the period change none of its evidence but for escalations of the
    // lookback (the others are not even parsed when the reader can tell them by their bytes, see
    // `mapBlock`).
    if (!time.inPeriod && !(time.before && ms >= this.commandWindow.escalationsFromMs)) return;
    const event = toCommandEvent(record);
    if (!event) {
      if (time.inPeriod) this.#unrecognised(INVALID_COMMAND, record, time);
      return;
    }
    if (!time.inPeriod && event.decision !== "escalate") return;
    for (const mapper of this.#mappers) mapper.command(event, time, at);
  };

  /**
   * The unrecognised records a later period counts too (every kind but the period's own command
   * events without agent, tier or decision, which it counts only in its period).
   */
  carry(): [string, number][] {
    return [...this.unrecognised].filter(([kind]) => kind !== INVALID_COMMAND);
  }

  /** A line whose hash the chain accepts but that is not a JSON record (so no mapper can read it). */
  unreadable(): void {
    this.#unrecognised(UNREADABLE);
  }

  #unrecognised(kind: string, record?: Record<string, unknown>, time?: RecordTime): void {
    this.unrecognised.set(kind, (this.unrecognised.get(kind) ?? 0) + 1);
    if (record && time) for (const mapper of this.#mappers) mapper.unrecognised?.(record, time);
  }
}

function s(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function toCommandEvent(r: Record<string, unknown>): CommandEvent | null {
  const tier = r.tier;
  const decision = r.decision;
  if (
    typeof r.agent !== "string" ||
    typeof tier !== "number" ||
    !Number.isInteger(tier) ||
    tier < 0 ||
    tier > 4
  )
    return null;
  if (typeof decision !== "string" || !DECISIONS.has(decision)) return null;
  const wait = r.approval_wait_ms;
  return {
    timestamp: r.timestamp as string,
    agent: r.agent,
    method: s(r.method) ?? "",
    path: s(r.path) ?? s(r.command) ?? "",
    namespace: s(r.namespace) ?? "",
    resource: s(r.resource) ?? "",
    tier,
    decision: decision as CommandEvent["decision"],
    protocol: s(r.protocol) ?? "kubernetes",
    identity: s(r.identity),
    request_id: s(r.request_id),
    approval: s(r.approval),
    approver: s(r.approver),
    approval_wait_ms: typeof wait === "number" ? wait : undefined,
    session_id: s(r.session_id),
  };
}
