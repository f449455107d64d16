import type { LedgerFacts } from "../ledger/ledger-facts.ts";
import type { OutboxFiles } from "./outbox.ts";
import type { PendingPush } from "./outbox-types.ts";

/** A ledger record to append, without its timestamp. */
export interface MissingRecord {
  event: "push.delivered" | "push.failed" | "push.stalled";
  period_from: string;
  period_to: string;
  connector: string;
  [field: string]: unknown;
}

function fields(push: { package: string; connector: string }) {
  const [from = "", to = ""] = push.package.split("_");
  return { period_from: from, period_to: to, connector: push.connector };
}

/** The `push.failed` record of a push's last failed attempt (also used when it happens). */
export function failedRecord(push: PendingPush): MissingRecord {
  return { event: "push.failed", ...fields(push), attempt: push.attempts, error: push.last_error ?? "" };
}

/** The `push.stalled` record of a push pending past the alert threshold. */
export function stalledRecord(push: PendingPush): MissingRecord {
  return {
    event: "push.stalled",
    ...fields(push),
    attempt: push.attempts,
    since: push.created_at,
    error: push.last_error ?? "",
  };
}

/**
 * The ledger records the outbox's files call for but the ledger lacks: the outbox writes its file
 * first and the ledger second, so a crash between the two leaves exactly these gaps (a delivery,
 * the last failed attempt, a stall or an abandonment with no record). Appending them at start
 * makes the two agree again; each is found missing at most once.
 */
export function missingLedgerRecords(facts: LedgerFacts, files: OutboxFiles): MissingRecord[] {
  const out: MissingRecord[] = [];
  for (const d of files.delivered) {
    const key = `${d.package}~${d.connector}`;
    if (!facts.delivered.has(key))
      out.push({ event: "push.delivered", ...fields(d), package_sha256: d.package_sha256 ?? "" });
  }
  for (const p of files.pending) {
    const key = `${p.package}~${p.connector}`;
    if (p.attempts > 0 && !facts.failedAttempts.has(`${key}#${p.attempts}`)) out.push(failedRecord(p));
    if (p.stalled_at && !facts.stalled.has(key)) out.push(stalledRecord(p));
  }
  for (const a of files.abandoned) {
    if (!facts.abandoned.has(`${a.package}~${a.connector}`)) out.push(failedRecord(a));
  }
  return out;
}
