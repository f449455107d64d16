/** Where the push crash test kills the sidecar: after a log line, or inside the connector. */
export interface KillPointSpec {
  /** The sidecar is killed as it logs a message starting with this. */
  log?: string;
  /** The connector fails every push (failure, stall and abandonment paths). */
  failing?: boolean;
  /** The clock when the sidecar starts. */
  start: string;
  /** Where the clock is moved once the start is idle (to reach stalls and retention). */
  later?: string;
}

/**
 * Every step of an export and a push at which a crash leaves a different state on disk, in the
 * order they happen: each write (storage, owner record, ledger, outbox files) has a kill point just
 * before the next one.
 */
const points = {
  "export-stored": { log: "export: package stored", start: "2026-02-15T00:00:00Z" },
  "export-owned": { log: "export: package owned by this replica", start: "2026-02-15T00:00:00Z" },
  "export-recorded": { log: "export completed", start: "2026-02-15T00:00:00Z" },
  "push-sent": { start: "2026-02-15T00:00:00Z" },
  "push-accepted": { start: "2026-02-15T00:00:00Z" },
  "delivery-recorded": { log: "outbox: package delivered", start: "2026-02-15T00:00:00Z" },
  "ledger-recorded": { log: "outbox: delivery recorded in the ledger", start: "2026-02-15T00:00:00Z" },
  "failure-recorded": { log: "outbox: push failed", failing: true, start: "2026-02-15T00:00:00Z" },
  "stall-recorded": {
    log: "outbox: push stalled",
    failing: true,
    start: "2026-02-15T00:00:00Z",
    later: "2026-02-16T01:00:00Z",
  },
  "abandon-recorded": {
    log: "outbox: push abandoned",
    failing: true,
    start: "2026-02-15T00:00:00Z",
    later: "2026-04-15T00:00:00Z",
  },
} satisfies Record<string, KillPointSpec>;

/** The name of a kill point. */
export type PushKillPoint = keyof typeof points;

export const PUSH_KILL_POINTS: Readonly<Record<PushKillPoint, KillPointSpec>> = points;
