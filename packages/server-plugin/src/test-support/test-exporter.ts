import { createHash } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Exporter } from "../plugin/exporter.ts";

const FILES = [
  "cc6.1-access-controls.json",
  "cc6.2-credential-lifecycle.json",
  "cc6.3-authorization-changes.json",
  "cc7.2-monitoring-evidence.json",
  "audit-log-integrity.json",
];

/** One call the test exporter received. */
export interface ExportCall {
  from: string;
  to: string;
  anchor: { hash: string; events: number } | undefined;
  ledgers: readonly string[];
  /** SHA-256 of the checkpoint the export was asked to resume from. */
  resumeFrom: string | undefined;
}

/**
 * An exporter that writes a small valid package (five files and a `summary.json` that passes
 * `summarySchema`) atomically, like core's: built in a temporary sibling, then renamed.
 * `beforeSummary` runs after the evidence files are written (to fail, block or crash mid-export).
 */
export function testExporter(
  options: { calls?: ExportCall[]; beforeSummary?(call: ExportCall): Promise<void> } = {},
): Exporter {
  let head = 0;
  return async (o) => {
    const call: ExportCall = {
      from: o.from,
      to: o.to,
      anchor: o.anchor,
      ledgers: o.ledgers ?? [],
      resumeFrom: o.resumeFrom?.sha256,
    };
    options.calls?.push(call);
    const temp = join(dirname(o.output), `.tmp-${Date.now()}-${Math.random().toString(16).slice(2)}`);
    await mkdir(temp);
    const manifest = [];
    for (const file of FILES) {
      const bytes = Buffer.from(
        `${JSON.stringify({ criterion: file, period: { from: o.from, to: o.to } })}\n`,
      );
      await writeFile(join(temp, file), bytes);
      manifest.push({
        file,
        media_type: "application/json",
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      });
    }
    const chainHead = createHash("sha256").update(`head-${o.to}`).digest("hex");
    // A valid checkpoint naming no position: the next export may resume from it (and reads everything).
    const end = new Date(`${o.to}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    const checkpoint = Buffer.from(
      `${JSON.stringify({
        format: "iddio-compliance/checkpoint",
        version: 1,
        period: { from: o.from, to: o.to, time_zone: o.timeZone ?? "UTC", incomplete: false },
        as_of: end.toISOString(),
        source: { type: "jsonl", location: String(o.source), org_id: null },
        position: null,
        chain: {
          events: 100 * (head + 1),
          head: chainHead,
          hash_mode: "blank",
          last_time_ms: null,
          linked: true,
          origin: { type: "genesis", hash: null, events_before: 0 },
          errors: 0,
          finding_counts: {},
          findings: [],
        },
        state: {
          unrecognised: [],
          policy: { latest: null, records_seen: 0 },
          cc61: { created_identity: [], record_spiffe: [], token_agents: [] },
          cc62: { records_seen: 0, order: 0, agents_by_end: [], agents: [], proxy_latest: null },
          cc63: { lookback: [] },
        },
      })}\n`,
    );
    await writeFile(join(temp, "checkpoint.json"), checkpoint);
    const checkpointSha256 = createHash("sha256").update(checkpoint).digest("hex");
    manifest.push({
      file: "checkpoint.json",
      media_type: "application/json",
      bytes: checkpoint.length,
      sha256: checkpointSha256,
    });
    await options.beforeSummary?.(call);
    o.signal?.throwIfAborted();
    head++;
    const summary = {
      generator: { name: "test-exporter", version: "0.0.0" },
      format: o.format,
      period: { from: o.from, to: o.to, time_zone: o.timeZone ?? "UTC", incomplete: false },
      source: { type: "jsonl", location: o.source, org_id: null },
      generated_at: (o.now?.() ?? new Date()).toISOString(),
      criteria: [],
      integrity: {
        file: "audit-log-integrity.json",
        verified: true,
        chain_events: 100 * head,
        findings: 0,
        chain_head: chainHead,
      },
      unrecognised_records: { total: 0, kinds: {} },
      manifest,
    };
    await writeFile(join(temp, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    await rename(temp, o.output);
    return {
      summary,
      verified: true,
      chainHead,
      totalEvents: 100 * head,
      checkpointSha256,
      resume: { resumed: o.resumeFrom !== undefined, fallback: null },
    };
  };
}
