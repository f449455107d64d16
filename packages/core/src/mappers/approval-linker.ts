import type { RecordTime } from "./mapper-context.ts";

/** The outcomes an escalation can have. */
export type Outcome = "granted" | "denied" | "expired";

/**
 * How far before the period an escalation is still looked up, so that an outcome inside the
 * period can be linked to a request made before it. Approvals expire within minutes in iddio
 * (a webhook approval's `expires_at` is a minute after the request); a week is generous.
 */
export const APPROVAL_LOOKBACK_MS = 7 * 86_400_000;

/** An escalated request, as the log's command line states it. */
export interface EscalationRequest {
  timestamp: string;
  request_id: string | null;
  agent: string;
  tier: number;
  method: string;
  path: string;
  namespace: string;
  file: string;
  line: number;
}

/** One outcome: from the escalated command line (`approval` field) or an `approval.*` record. */
export interface OutcomeFact {
  outcome: Outcome;
  approver: string | null;
  wait_ms: number | null;
  /** When the outcome was decided: the record's timestamp, or the request's plus its wait. */
  decided_at: string;
  decidedMs: number;
  source: "command" | "record";
}

/** What the linker tells its owner, each exactly once per escalation or orphan outcome. */
export interface LinkerEvents {
  /** An escalation of the period with its one outcome, decided by the period's end. */
  resolved(request: EscalationRequest, outcome: OutcomeFact): void;
  /** An escalation requested before the period whose outcome was decided inside it. */
  resolvedFromEarlier(request: EscalationRequest, outcome: OutcomeFact): void;
  /** An outcome recorded in the period for a request the log does not hold (within the lookback). */
  withoutRequest(requestId: string | null, agent: string, outcome: OutcomeFact): void;
  /** An escalation of the period with no outcome by the period's end. */
  unresolved(request: EscalationRequest): void;
  /** A second outcome of an escalation that contradicts the one counted. */
  conflict(requestId: string, counted: Outcome, other: OutcomeFact): void;
}

/**
 * Links escalations to their outcomes by `request_id`, whatever the order of the lines: the
 * outcome may be on the escalated command line, in an `approval.*` record written before or after
 * it, or both (then it is one outcome, never two). An escalation counts as resolved when an outcome
 * was decided before the period's end, so a closed period's figures never change as the log grows.
 *
 * Rule when both carry an outcome: the command line's is counted (it is the request's own hashed
 * record); a record that disagrees is reported as a conflict. Memory holds the period's
 * escalations awaiting an outcome, the request ids (and outcome) of those resolved on their line
 * (a record may still repeat them: about 100 bytes each), and the lookback's open escalations.
 */
export class ApprovalLinker {
  readonly #startMs: number;
  readonly #endMs: number;
  readonly #events: LinkerEvents;
  /** Escalations of the period without an outcome yet (keyed by request id). */
  readonly #open = new Map<string, EscalationRequest>();
  /** Escalations of the period resolved by their command line: a record for them is a duplicate. */
  readonly #resolvedByLine = new Map<string, Outcome>();
  /** Escalations from the lookback before the period, not resolved before it began. */
  readonly #earlier = new Map<string, EscalationRequest>();
  /** Escalations from the lookback resolved before the period began: a record for them is a repeat. */
  readonly #closedEarlier = new Set<string>();
  /** Outcome records of the period whose command line has not been read (yet). */
  readonly #pending = new Map<string, { agent: string; outcome: OutcomeFact }>();

  constructor(period: { startMs: number; endMs: number }, events: LinkerEvents) {
    this.#startMs = period.startMs;
    this.#endMs = period.endMs;
    this.#events = events;
  }

  /** An escalated command line (before the period within the lookback, or in it). */
  request(request: EscalationRequest, time: RecordTime, onLine: OutcomeFact | null): void {
    const byEnd = onLine !== null && onLine.decidedMs < this.#endMs ? onLine : null;
    const id = request.request_id;
    if (time.before) {
      if (id === null) {
        if (byEnd && byEnd.decidedMs >= this.#startMs) this.#events.resolvedFromEarlier(request, byEnd);
        return;
      }
      const pending = this.#pending.get(id);
      this.#pending.delete(id);
      if (byEnd && byEnd.decidedMs < this.#startMs) {
        this.#closedEarlier.add(id); // decided before the period began
        return;
      }
      const counted = byEnd ?? pending?.outcome;
      if (counted) {
        this.#events.resolvedFromEarlier(request, counted);
        if (byEnd && pending) this.#compare(id, byEnd.outcome, pending.outcome);
      } else {
        this.#earlier.set(id, request);
      }
      return;
    }
    if (!time.inPeriod) return;
    if (id === null) {
      if (byEnd) this.#events.resolved(request, byEnd);
      else this.#events.unresolved(request);
      return;
    }
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (byEnd) {
      this.#events.resolved(request, byEnd);
      if (pending) this.#compare(id, byEnd.outcome, pending.outcome);
      else this.#resolvedByLine.set(id, byEnd.outcome);
    } else if (pending) {
      this.#events.resolved(request, pending.outcome);
    } else {
      this.#open.set(id, request);
    }
  }

  /** An `approval.granted|denied|expired` record. */
  outcome(requestId: string | null, agent: string, fact: OutcomeFact, time: RecordTime): void {
    if (time.after) return; // decided after the period's end: the escalation stays unresolved
    if (requestId === null) {
      if (time.inPeriod) this.#events.withoutRequest(null, agent, fact);
      return;
    }
    if (time.before) {
      this.closeEarlier(requestId);
      return;
    }
    if (this.#closedEarlier.has(requestId)) return; // a repeat of an outcome decided before the period
    const open = this.#open.get(requestId);
    if (open) {
      this.#open.delete(requestId);
      this.#events.resolved(open, fact);
      return;
    }
    const byLine = this.#resolvedByLine.get(requestId);
    if (byLine) {
      this.#resolvedByLine.delete(requestId);
      this.#compare(requestId, byLine, fact);
      return;
    }
    const earlier = this.#earlier.get(requestId);
    if (earlier) {
      this.#earlier.delete(requestId);
      this.#events.resolvedFromEarlier(earlier, fact);
      return;
    }
    if (this.#pending.has(requestId)) {
      // Two records for one request: the first stands, the second is compared with it.
      const first = this.#pending.get(requestId) as { agent: string; outcome: OutcomeFact };
      this.#compare(requestId, first.outcome.outcome, fact);
      return;
    }
    this.#pending.set(requestId, { agent, outcome: fact });
  }

  /** An approval record before the period for an escalation from the lookback: it was resolved before the period began. */
  closeEarlier(requestId: string): void {
    if (this.#earlier.delete(requestId)) this.#closedEarlier.add(requestId);
  }

  /** An escalation from the lookback decided before the period began (carried by a checkpoint). */
  decidedEarlier(requestId: string): void {
    this.#closedEarlier.add(requestId);
  }

  /** Reports what is left once the whole log has been read. */
  finish(): void {
    for (const request of this.#open.values()) this.#events.unresolved(request);
    for (const [id, p] of this.#pending) this.#events.withoutRequest(id, p.agent, p.outcome);
    this.#open.clear();
    this.#pending.clear();
    this.#earlier.clear();
    this.#closedEarlier.clear();
    this.#resolvedByLine.clear();
  }

  #compare(requestId: string, counted: Outcome, other: OutcomeFact): void {
    if (counted !== other.outcome) this.#events.conflict(requestId, counted, other);
  }
}
