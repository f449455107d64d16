import { type GoField, lifecycleFields } from "@iddio-compliance/schema";
import type { ApprovalOrder, ApprovalRecords } from "./options.ts";
import type { Random } from "./random.ts";
import type { CommandEvent } from "./traffic.ts";

/** Where one escalation's outcome goes and when its command line is written. */
export interface EscalationWriting {
  /** `line`: on the command line only; `record`: in records only; `both`: the same outcome in each. */
  readonly where: "line" | "record" | "both";
  /** `line-first`: the line at the request; `outcome-first`: the line after the outcome, when the wait ends. */
  readonly order: "line-first" | "outcome-first";
}

/** A lifecycle record to write: fields in Go struct order and the instant it is due. */
export interface ApprovalRecord {
  readonly at: number;
  readonly record: Record<string, unknown>;
  readonly fields: readonly GoField[];
}

const WHERE: readonly EscalationWriting["where"][] = ["record", "both", "line"];
const ORDER: readonly EscalationWriting["order"][] = ["outcome-first", "line-first"];

/**
 * Decides, per escalation, where its outcome is written and in which order, from the
 * `approvalRecords` and `approvalOrder` options: fixed, or drawn per escalation when `mixed`.
 * Boundary escalations take the mixed choices in turn, so that even a handful of them covers
 * every combination.
 */
export class ApprovalPlanner {
  readonly #random: Random;
  readonly #records: ApprovalRecords;
  readonly #order: ApprovalOrder;

  constructor(random: Random, records: ApprovalRecords, order: ApprovalOrder) {
    this.#random = random;
    this.#records = records;
    this.#order = order;
  }

  /** How to write the next escalation; `index` places a boundary escalation in the turn. */
  plan(index?: number): EscalationWriting {
    const where =
      this.#records !== "mixed"
        ? this.#records
        : index === undefined
          ? this.#random.pick(WHERE)
          : (WHERE[index % WHERE.length] ?? "both");
    const order =
      this.#order !== "mixed"
        ? this.#order
        : index === undefined
          ? this.#random.pick(ORDER)
          : (ORDER[index % ORDER.length] ?? "line-first");
    return { where, order };
  }
}

/**
 * The `approval.*` records of an escalated command event: `approval.requested` at the request and,
 * when it was resolved, `approval.granted|denied|expired` when the wait ends, both linked by
 * `request_id` (docs/data-contract.md §1.2). `event` must carry its outcome; `at` is the request.
 */
export function approvalRecords(event: CommandEvent, at: number): ApprovalRecord[] {
  const requestId = event.request_id;
  if (requestId === undefined) return [];
  const out: ApprovalRecord[] = [
    {
      at,
      record: { event: "approval.requested", request_id: requestId, agent: event.agent },
      fields: lifecycleFields("approval.requested"),
    },
  ];
  if (event.approval !== undefined) {
    const kind = `approval.${event.approval}`;
    out.push({
      at: at + (event.approval_wait_ms ?? 0),
      record: {
        event: kind,
        request_id: requestId,
        agent: event.agent,
        approver: event.approver,
        wait_ms: event.approval_wait_ms,
      },
      fields: lifecycleFields(kind),
    });
  }
  return out;
}

/** Removes the outcome from an escalated command line (it keeps `request_id`). */
export function withoutOutcome(event: CommandEvent): CommandEvent {
  return { ...event, approval: undefined, approver: undefined, approval_wait_ms: undefined };
}
