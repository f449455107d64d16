import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { AuditLineSource } from "@iddio-compliance/core";
import type { ResolvedAutoExport } from "../config/resolve-config.ts";
import type { Logger } from "../host/logger.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { Checkpoint } from "../scheduler/export-state.ts";
import { type Period, periodKey } from "../scheduler/period.ts";
import type { EvidenceStorage } from "../storage/evidence-storage.ts";
import type { Clock } from "../util/clock.ts";
import { formatTimestamp } from "../util/clock.ts";
import type { Exporter } from "./exporter.ts";

/** What one export run needs. */
export interface ExportJobContext {
  source: string | AuditLineSource;
  autoExport: ResolvedAutoExport;
  storage: EvidenceStorage;
  ledger: Ledger;
  exporter: Exporter;
  clock: Clock;
  logger: Logger;
  /** Folder for packages being built (`<state_dir>/staging`). */
  stagingDir: string;
  /** Period keys that already have an `export.completed` record. */
  recorded: ReadonlySet<string>;
  /** Queues the stored package for every connector. */
  enqueue(key: string): Promise<void>;
}

/** What a finished run reports. */
export interface ExportJobResult {
  checkpoint: Checkpoint | null;
  verified: boolean;
  /** Whether the package was found already stored (a run interrupted after storing). */
  reused: boolean;
}

/**
 * Exports one period end to end, each step safe to repeat after a crash: a package already
 * complete in storage is reused, not exported again; an incomplete one is deleted and rebuilt;
 * the package is built in a staging folder, stored with `summary.json` last, recorded in the
 * ledger once (`export.completed` with the checkpoint) and queued in the outbox.
 */
export async function runExportJob(
  ctx: ExportJobContext,
  period: Period,
  run: { anchor: Checkpoint | null; signal: AbortSignal },
): Promise<ExportJobResult> {
  const key = periodKey(period);
  const existing = await ctx.storage.check(key);
  let integrity: { verified: boolean; chain_head: string | null; total_events: number };
  let reused = false;

  if (existing.state === "complete") {
    ctx.logger.info("export: package already stored, not exported again", {
      period: key,
      location: ctx.storage.location,
    });
    const stored = existing.summary.integrity;
    integrity = {
      verified: stored.verified,
      chain_head: stored.chain_head,
      total_events: stored.chain_events,
    };
    reused = true;
  } else {
    if (existing.state === "incomplete") {
      ctx.logger.warn("export: removing an incomplete package left by an interrupted run", {
        period: key,
        reason: existing.reason,
      });
      await ctx.storage.delete(key);
    }
    const work = join(ctx.stagingDir, `${key}-${randomBytes(4).toString("hex")}`);
    await mkdir(work, { recursive: true });
    try {
      const output = join(work, key);
      const result = await ctx.exporter({
        source: ctx.source,
        from: period.from,
        to: period.to,
        timeZone: ctx.autoExport.timeZone,
        format: ctx.autoExport.format,
        output,
        // An empty ledger is an empty chain, which core reports as unverified: pass it once it has records.
        ledgers: ctx.ledger.events > 0 ? [ctx.ledger.path] : [],
        ...(run.anchor ? { anchor: run.anchor } : {}),
        now: () => ctx.clock.now(),
        signal: run.signal,
      });
      run.signal.throwIfAborted();
      await ctx.storage.put(key, output, run.signal);
      integrity = {
        verified: result.verified,
        chain_head: result.chainHead,
        total_events: result.totalEvents,
      };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  if (!ctx.recorded.has(key)) {
    await ctx.ledger.append({
      event: "export.completed",
      timestamp: formatTimestamp(ctx.clock.now()),
      period_from: period.from,
      period_to: period.to,
      chain_head: integrity.chain_head ?? undefined,
      events: integrity.total_events,
    });
  }
  await ctx.enqueue(key);
  if (!integrity.verified)
    ctx.logger.warn("export: the audit chain did not verify; the checkpoint is not advanced", {
      period: key,
    });
  const checkpoint =
    integrity.verified && integrity.chain_head
      ? { hash: integrity.chain_head, events: integrity.total_events }
      : null;
  return { checkpoint, verified: integrity.verified, reused };
}
