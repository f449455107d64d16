import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateHome } from "@iddio-compliance/simulator";
import { afterAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "../package/checkpoint-file.ts";
import { verifyPackage } from "../package/verify-package.ts";
import { evidenceDifferences } from "../test-support/same-evidence.ts";
import { exportEvidence } from "./export-evidence.ts";
import type { ExportEvidenceOptions } from "./export-options.ts";

// Issue 14's property: over many simulated logs (rotated and gzipped or one file, both hash
// modes, outcomes on the line and in records written before or after, timestamps that go back,
// offsets, same-second bursts, time zones with DST) and period boundaries (a day, a week, a month;
// a period that ends after the log), a chain of exports each resumed from the previous one's
// checkpoint writes the same evidence as full passes: byte for byte, but for how the log was read.

const SEEDS = Number(process.env.IDDIO_RESUME_SEEDS ?? 12);
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"];
const RECORD_MODES = ["line", "record", "both", "mixed"] as const;
const ORDERS = ["line-first", "outcome-first", "mixed"] as const;
/** Period lengths in days: shorter than the approval lookback (7 days), about it, and longer. */
const LENGTHS = [1, 2, 6, 9, 14];
const NOW = () => new Date("2026-06-01T00:00:00Z");

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function day(date: string, add: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + add);
  return d.toISOString().slice(0, 10);
}

/**
 * The world one seed simulates and the consecutive periods it exports: the simulator's own period
 * `from`…`to` (read in the export's zone: escalations requested before each of its ends and
 * resolved after, events at 23:59:59.999 and 00:00:00.000 local) split once more inside, then a
 * period after it.
 */
function worldOf(seed: number) {
  const zone = ZONES[seed % ZONES.length] as string;
  const from = day("2026-01-12", seed % 9);
  const to = day(from, 20 + (seed % 3) * 6);
  const split = day(from, LENGTHS[seed % LENGTHS.length] as number);
  // Every fifth seed: the last period ends long after the log does.
  const last = day(to, seed % 5 === 4 ? 60 : 1 + (LENGTHS[(seed + 2) % LENGTHS.length] as number) * 2);
  return {
    generate: {
      seed: `resume-${seed}`,
      from,
      to,
      events: 800 + (seed % 4) * 100,
      preambleDays: 8,
      rotateEvents: [120, 350, 100_000][seed % 3] as number,
      gzipRotated: seed % 2 === 0,
      ...(seed % 4 === 1 ? { liveEvents: 40 } : {}),
      hashMode: seed % 5 === 3 ? ("omit" as const) : ("blank" as const),
      approvalRecords: RECORD_MODES[seed % RECORD_MODES.length],
      approvalOrder: ORDERS[Math.floor(seed / 4) % ORDERS.length],
      outcomeFirstTimestamp: seed % 3 === 0 ? ("requested" as const) : ("resolved" as const),
      timestampOffsets: seed % 2 === 0 ? 0.3 : 0,
      subsecondTimestamps: seed % 3 !== 1,
      sameSecondBursts: seed % 4 === 1 ? 0.08 : 0.02,
      boundaryZone: zone,
      afterDays: 5,
      awkwardAgentNames: seed % 3 === 2,
    },
    zone,
    periods: [
      [day(from, -8), day(from, -1)],
      [from, split],
      [day(split, 1), to],
      [day(to, 1), last],
    ] as [string, string][],
    format: seed % 4 === 3 ? ("csv" as const) : ("json" as const),
    threads: [
      { hashThreads: 0, mappingThread: false },
      { hashThreads: 1, mappingThread: true },
      { hashThreads: 0, mappingThread: true },
    ][seed % 3] as Pick<ExportEvidenceOptions, "hashThreads" | "mappingThread">,
  };
}

describe("an export resumed from the previous period's checkpoint", () => {
  for (let seed = 0; seed < SEEDS; seed++) {
    const world = worldOf(seed);
    const periods = world.periods.map((p) => p.join("…")).join(", ");
    it(`writes the evidence of a full pass (seed ${seed}: ${periods} in ${world.zone}, ${world.format})`, async () => {
      const root = mkdtempSync(join(tmpdir(), "resume-eq-"));
      roots.push(root);
      const home = join(root, "home");
      await generateHome({ ...world.generate, outDir: home });
      const run = (name: string, [from, to]: [string, string], resumeFrom?: string) =>
        exportEvidence({
          source: home,
          from,
          to,
          timeZone: world.zone,
          format: world.format,
          output: join(root, name),
          now: NOW,
          report: false,
          ...world.threads,
          ...(resumeFrom ? { resumeFrom: readCheckpoint(join(root, resumeFrom)) } : {}),
        });

      await run("p0", world.periods[0] as [string, string]);
      for (let i = 1; i < world.periods.length; i++) {
        const period = world.periods[i] as [string, string];
        const full = await run(`p${i}-full`, period);
        const resumed = await run(`p${i}-resumed`, period, i === 1 ? "p0" : `p${i - 1}-resumed`);
        expect(resumed.resume).toEqual({ resumed: true, fallback: null });
        expect(evidenceDifferences(join(root, `p${i}-full`), join(root, `p${i}-resumed`))).toEqual([]);
        // The checkpoint a resumed export writes is the full pass's: resuming again stays exact.
        expect(resumed.checkpointSha256).toBe(full.checkpointSha256);
        expect((await verifyPackage(join(root, `p${i}-resumed`))).problems).toEqual([]);
      }

      if (world.format === "json") {
        const integrity = (dir: string) =>
          JSON.parse(readFileSync(join(root, dir, "audit-log-integrity.json"), "utf8"));
        const full = integrity("p2-full");
        const resumed = integrity("p2-resumed");
        const trusted = readCheckpoint(join(root, "p1-resumed"));
        // It says which checkpoint it trusted, and read only the files from the checkpoint's on.
        expect(resumed.anchor).toEqual({
          type: "checkpoint",
          hash: trusted.checkpoint.chain.head,
          events_before: trusted.checkpoint.chain.events,
          checkpoint_sha256: trusted.sha256,
        });
        expect(full.anchor.type).toBe("genesis");
        const names = (files: { path: string }[]) => files.map((f) => f.path);
        expect(names(full.files).slice(-resumed.files.length)).toEqual(names(resumed.files));
        expect(resumed.files.slice(1)).toEqual(
          full.files.slice(full.files.length - resumed.files.length + 1),
        );
      }
    });
  }
});
