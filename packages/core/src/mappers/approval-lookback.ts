import type { CheckpointEscalation } from "@iddio-compliance/schema";
import { APPROVAL_LOOKBACK_MS, type EscalationRequest, type OutcomeFact } from "./approval-linker.ts";

type OpenEntry = Extract<CheckpointEscalation, { request: unknown }>;

/**
 * Keeps, for a checkpoint at `boundaryMs`, what a later period's approval linking reads from before
 * it: the escalations requested within {@link APPROVAL_LOOKBACK_MS} before the boundary, in chain
 * order, each as much as a later period can still observe of it. One decided before the boundary
 * (on its line, or by an approval record after it in the chain) is only its request id: a later
 * record for it is a repeat. One still open keeps its request and its line's outcome, which a later
 * period judges against its own end. Memory: the lookback's escalations.
 */
export class ApprovalLookback {
  readonly #boundaryMs: number;
  readonly #entries: CheckpointEscalation[] = [];
  /** The latest entry of each request id (to mark it decided by a later record). */
  readonly #latest = new Map<string, CheckpointEscalation>();

  constructor(boundaryMs: number, carried: readonly CheckpointEscalation[] = []) {
    this.#boundaryMs = boundaryMs;
    for (const entry of carried) this.#add(structuredClone(entry));
  }

  /** An escalated command line read before the boundary, with the outcome its line states. */
  request(ms: number, request: EscalationRequest, onLine: OutcomeFact | null): void {
    if (ms >= this.#boundaryMs || ms < this.#boundaryMs - APPROVAL_LOOKBACK_MS) return;
    this.#add({ ms, request, on_line: onLine, closed_by_record: false });
  }

  /** An `approval.granted|denied|expired` record read before the boundary. */
  outcome(requestId: string | null, ms: number): void {
    if (requestId === null || ms >= this.#boundaryMs) return;
    const entry = this.#latest.get(requestId);
    if (entry && "request" in entry) entry.closed_by_record = true;
  }

  #add(entry: CheckpointEscalation): void {
    this.#entries.push(entry);
    const id = "request" in entry ? entry.request.request_id : entry.request_id;
    if (id !== null) this.#latest.set(id, entry);
  }

  /** The entries a later period may observe, as of the boundary (every record read is before it). */
  carry(): CheckpointEscalation[] {
    const out: CheckpointEscalation[] = [];
    for (const entry of this.#entries) {
      if (entry.ms < this.#boundaryMs - APPROVAL_LOOKBACK_MS) continue;
      if (!("request" in entry)) {
        out.push(entry);
        continue;
      }
      const id = entry.request.request_id;
      const decidedBefore =
        entry.on_line !== null ? entry.on_line.decidedMs < this.#boundaryMs : entry.closed_by_record;
      if (!decidedBefore) out.push(structuredClone(entry) as OpenEntry);
      else if (id !== null) out.push({ ms: entry.ms, request_id: id, closed: true });
      // A decided escalation without a request id can never be linked again: nothing to carry.
    }
    return out;
  }
}
