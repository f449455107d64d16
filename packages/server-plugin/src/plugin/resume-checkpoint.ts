import type { Logger } from "@iddio-compliance/connector-sdk";
import {
  type AuditLineSource,
  CHECKPOINT_FILE,
  type LoadedCheckpoint,
  makePeriod,
  type PeriodDates,
  readCheckpoint,
} from "@iddio-compliance/core";
import type { Checkpoint } from "../scheduler/export-state.ts";
import type { EvidenceStorage } from "../storage/evidence-storage.ts";

/**
 * The checkpoint the next export resumes from: the `checkpoint.json` of the package the state's
 * checkpoint names, read from storage and checked against the SHA-256 the state (and the ledger)
 * recorded and the package's manifest. `undefined` means a full pass: no checkpoint yet (or one
 * recorded before packages held one), a period that does not start after it (a re-export), or a
 * checkpoint that cannot be trusted (missing, altered, of another source), which is logged.
 */
export async function resumeCheckpoint(args: {
  storage: EvidenceStorage;
  anchor: Checkpoint | null;
  period: PeriodDates;
  timeZone: string;
  source: string | AuditLineSource;
  logger: Logger;
}): Promise<LoadedCheckpoint | undefined> {
  const { storage, anchor, logger } = args;
  if (!anchor?.package || !anchor.sha256) return undefined;
  const key = anchor.package;
  const location = `${storage.location}${key}/${CHECKPOINT_FILE}`;
  const distrust = (reason: string) => {
    logger.warn("export: the checkpoint of the last export cannot be used; reading the whole log", {
      checkpoint: location,
      reason,
    });
    return undefined;
  };
  const check = await storage.check(key);
  if (check.state !== "complete") return distrust(`its package is ${check.state}`);
  const opened = await storage.open(key);
  let loaded: LoadedCheckpoint;
  try {
    // The package's own check (its manifest lists these bytes), then the export state's record.
    loaded = { ...readCheckpoint(opened.dir, "checkpoint"), path: location };
  } catch (error) {
    return distrust((error as Error).message);
  } finally {
    await opened.release();
  }
  if (loaded.sha256 !== anchor.sha256) return distrust("it is not the checkpoint the export state recorded");
  const { checkpoint } = loaded;
  const start = makePeriod(args.period.from, args.period.to, args.timeZone).startMs;
  // A period that starts before the checkpoint's end (a re-export): a full pass, nothing wrong.
  if (!(Date.parse(checkpoint.as_of) <= start)) return undefined;
  const type = typeof args.source === "string" ? "jsonl" : args.source.type;
  const org = typeof args.source === "string" ? null : args.source.orgId;
  if (checkpoint.source.type !== type || checkpoint.source.org_id !== org)
    return distrust("it is a position in another source");
  return loaded;
}
