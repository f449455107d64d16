import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@iddio-compliance/connector-sdk";
import type { AuditLineSource, PeriodDates } from "@iddio-compliance/core";
import type { ResolvedAutoExport } from "../config/resolve-config.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { LedgerFacts } from "../ledger/ledger-facts.ts";
import type { Checkpoint } from "../scheduler/export-state.ts";
import { periodKey } from "../scheduler/period.ts";
import type { EvidenceStorage } from "../storage/evidence-storage.ts";
import type { Clock } from "../util/clock.ts";
import { formatTimestamp } from "../util/clock.ts";
import type { Exporter } from "./exporter.ts";
import { previousPackageLink } from "./previous-package.ts";
import type { ReplicaIdentity } from "./replica-identity.ts";
import { resumeCheckpoint } from "./resume-checkpoint.ts";

/** What one export run needs. */
export interface ExportJobContext {
  source: string | AuditLineSource;
  autoExport: ResolvedAutoExport;
  storage: EvidenceStorage;
  ledger: Ledger;
  /** What the ledger already records (so a repeated step is recorded once). */
  facts: LedgerFacts;
  exporter: Exporter;
  clock: Clock;
  logger: Logger;
  /** This replica: the owner it writes beside the packages it stores. */
  replica: ReplicaIdentity;
  /** Folder for packages being built (`<state_dir>/staging`). */
  stagingDir: string;
  /** Queues the stored package for every connector. */
  enqueue(key: string): Promise<void>;
}

/** What a finished run reports. */
export interface ExportJobResult {
  checkpoint: Checkpoint | null;
  verified: boolean;
  /**
   * `exported`: this replica stored the package (now or in a run a crash interrupted) and queued
   * its pushes; `skipped`: another replica owns the stored package and its pushes.
   */
  outcome: "exported" | "skipped";
}

type Integrity = { verified: boolean; chain_head: string | null; chain_events: number };

/** What an export leaves for the next one: where its chain ends, and its package's `checkpoint.json`. */
type Exported = { integrity: Integrity; checkpointSha256: string | null };

function checkpointOf({ integrity, checkpointSha256 }: Exported, key: string): Checkpoint | null {
  if (!integrity.verified || !integrity.chain_head) return null;
  return {
    hash: integrity.chain_head,
    events: integrity.chain_events,
    ...(checkpointSha256 ? { package: key, sha256: checkpointSha256 } : {}),
  };
}

/** What a stored package leaves for the next export. */
function storedExport(summary: {
  integrity: Integrity;
  manifest: readonly { file: string; sha256: string }[];
}): Exported {
  const entry = summary.manifest.find((e) => e.file === "checkpoint.json");
  return { integrity: summary.integrity, checkpointSha256: entry?.sha256 ?? null };
}

/**
 * Exports one period end to end, each step safe to repeat after a crash, and decides under the
 * period's lock (the caller holds it) which replica delivers the package:
 * - a complete package another replica owns is left to it: `export.skipped` is recorded, nothing is pushed;
 * - a complete package with no owner, or this replica's, is reused, not exported again;
 * - otherwise an incomplete package is deleted, the period exported in a staging folder and stored
 *   with `summary.json` last.
 * Then this replica writes itself down as the owner (before queueing anything, so a replica that
 * takes the lock next sees it), records `export.completed` once and queues the pushes.
 */
export async function runExportJob(
  ctx: ExportJobContext,
  period: PeriodDates,
  run: { anchor: Checkpoint | null; signal: AbortSignal },
): Promise<ExportJobResult> {
  const key = periodKey(period);
  const [existing, owner] = await Promise.all([ctx.storage.check(key), ctx.storage.owner(key)]);

  if (owner && owner.replica !== ctx.replica.id && existing.state === "complete") {
    const reason = `replica ${owner.replica} (${owner.host}) stored this package on ${owner.claimed_at} and delivers it`;
    ctx.logger.info("export skipped: another replica owns this period's package and its pushes", {
      period: key,
      owner: owner.replica,
      owner_host: owner.host,
    });
    if (!ctx.facts.skipped.has(key)) {
      await ctx.ledger.append({
        event: "export.skipped",
        timestamp: formatTimestamp(ctx.clock.now()),
        period_from: period.from,
        period_to: period.to,
        reason,
      });
    }
    const stored = storedExport(existing.summary);
    return {
      checkpoint: checkpointOf(stored, key),
      verified: stored.integrity.verified,
      outcome: "skipped",
    };
  }
  if (owner && owner.replica !== ctx.replica.id)
    ctx.logger.warn("export: the package another replica owned is no longer complete; exporting it again", {
      period: key,
      owner: owner.replica,
      state: existing.state,
    });

  let exported: Exported;
  if (existing.state === "complete") {
    ctx.logger.info("export: package already stored, not exported again", {
      period: key,
      location: ctx.storage.location,
    });
    exported = storedExport(existing.summary);
  } else {
    if (existing.state === "incomplete") {
      ctx.logger.warn("export: removing an incomplete package left by an interrupted run", {
        period: key,
        reason: existing.reason,
      });
      await ctx.storage.delete(key);
    }
    exported = await exportAndStore(ctx, period, run);
  }
  const { integrity } = exported;

  run.signal.throwIfAborted();
  if (owner?.replica !== ctx.replica.id) {
    await ctx.storage.setOwner(key, {
      version: 1,
      replica: ctx.replica.id,
      host: ctx.replica.host,
      claimed_at: ctx.clock.now().toISOString(),
    });
    ctx.logger.debug("export: package owned by this replica", { period: key, replica: ctx.replica.id });
  }
  if (!ctx.facts.completed.has(key)) {
    await ctx.ledger.append({
      event: "export.completed",
      timestamp: formatTimestamp(ctx.clock.now()),
      period_from: period.from,
      period_to: period.to,
      chain_head: integrity.chain_head ?? undefined,
      events: integrity.chain_events,
      checkpoint_sha256: exported.checkpointSha256 ?? undefined,
    });
  }
  await ctx.enqueue(key);
  if (!integrity.verified)
    ctx.logger.warn("export: the audit chain did not verify; the checkpoint is not advanced", {
      period: key,
    });
  return { checkpoint: checkpointOf(exported, key), verified: integrity.verified, outcome: "exported" };
}

/** Builds the package in a staging folder and stores it; the staging folder is always removed. */
async function exportAndStore(
  ctx: ExportJobContext,
  period: PeriodDates,
  run: { anchor: Checkpoint | null; signal: AbortSignal },
): Promise<Exported> {
  const key = periodKey(period);
  const previous = await previousPackageLink(ctx.storage, period, ctx.logger);
  // Only the log after the last export's checkpoint is read, when it can be trusted (docs/data-contract.md §6.5).
  const resumeFrom = await resumeCheckpoint({
    storage: ctx.storage,
    anchor: run.anchor,
    period,
    timeZone: ctx.autoExport.timeZone,
    source: ctx.source,
    logger: ctx.logger,
  });
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
      ...(ctx.autoExport.signingKey ? { sign: ctx.autoExport.signingKey } : {}),
      ...(previous ? { previous } : {}),
      ...(resumeFrom ? { resumeFrom } : {}),
      now: () => ctx.clock.now(),
      signal: run.signal,
    });
    if (result.resume.fallback)
      ctx.logger.warn(
        "export: the log no longer holds the last export's checkpoint; the whole log was read",
        {
          period: key,
          reason: result.resume.fallback,
        },
      );
    else if (result.resume.resumed)
      ctx.logger.debug("export: resumed after the last export's checkpoint", {
        period: key,
        checkpoint: resumeFrom?.path,
      });
    run.signal.throwIfAborted();
    await ctx.storage.put(key, output, run.signal);
    ctx.logger.debug("export: package stored", { period: key, location: ctx.storage.location });
    return {
      integrity: {
        verified: result.verified,
        chain_head: result.chainHead,
        chain_events: result.totalEvents,
      },
      checkpointSha256: result.checkpointSha256,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
