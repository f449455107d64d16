import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { generateHome, tamperLog } from "@iddio-compliance/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoadedCheckpoint, readCheckpoint } from "../package/checkpoint-file.ts";
import { evidenceDifferences } from "../test-support/same-evidence.ts";
import { exportEvidence } from "./export-evidence.ts";

// What a resume does when the log changed after the checkpoint was written: rotated (found again
// by following the chain), edited, truncated or deleted (a warning and a full pass, never a
// silently wrong package), and what it proves about lines before and after the checkpoint.

const NOW = () => new Date("2026-04-01T00:00:00Z");
let root: string;
let original: string;
let checkpoint: LoadedCheckpoint;
/** The checkpoint's line number in the single `audit.jsonl`. */
let at: number;
let lines: string[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "resume-fallback-"));
  original = join(root, "original");
  await generateHome({
    outDir: original,
    seed: "resume-fallback",
    from: "2026-01-01",
    to: "2026-02-28",
    events: 1200,
    rotateEvents: 100_000,
    approvalRecords: "mixed",
    afterDays: 3,
  });
  await exportEvidence({
    ...period("2026-01-01", "2026-01-31"),
    source: original,
    output: join(root, "january"),
  });
  checkpoint = readCheckpoint(join(root, "january"));
  at = checkpoint.checkpoint.position?.line ?? 0;
  lines = readFileSync(join(original, "audit.jsonl"), "utf8").slice(0, -1).split("\n");
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

function period(from: string, to: string) {
  return { from, to, format: "json" as const, now: NOW, report: false, hashThreads: 0, mappingThread: false };
}

/** A copy of the home whose log `change` rewrites; returns it. */
function copyOf(name: string, change: (log: string) => void): string {
  const home = join(root, name);
  cpSync(original, home, { recursive: true });
  change(join(home, "audit.jsonl"));
  return home;
}

/** February exported from `home` in full and resumed from January's checkpoint. */
async function february(home: string, name: string) {
  const full = await exportEvidence({
    ...period("2026-02-01", "2026-02-28"),
    source: home,
    output: join(root, `${name}-full`),
  });
  const resumed = await exportEvidence({
    ...period("2026-02-01", "2026-02-28"),
    source: home,
    output: join(root, `${name}-resumed`),
    resumeFrom: checkpoint,
  });
  const integrity = (dir: string) =>
    JSON.parse(readFileSync(join(root, dir, "audit-log-integrity.json"), "utf8"));
  return {
    full,
    resumed,
    differences: evidenceDifferences(join(root, `${name}-full`), join(root, `${name}-resumed`)),
    fullIntegrity: integrity(`${name}-full`),
    resumedIntegrity: integrity(`${name}-resumed`),
  };
}

/** Rotates the log after line `cut`: lines up to it gzipped under a new name, the rest live. */
function rotateAfter(cut: number) {
  return (log: string) => {
    writeFileSync(
      join(log, "..", "audit-20260215T000000Z.jsonl.gz"),
      gzipSync(`${lines.slice(0, cut).join("\n")}\n`),
    );
    writeFileSync(log, `${lines.slice(cut).join("\n")}\n`);
  };
}

describe("resuming after a checkpoint when the log changed since", () => {
  it("finds the checkpoint's line in the rotated, gzipped file by following the chain", async () => {
    expect(at).toBeGreaterThan(10);
    const r = await february(copyOf("rotated", rotateAfter(at + 50)), "rotated");
    expect(r.resumed.resume).toEqual({ resumed: true, fallback: null });
    expect(r.differences).toEqual([]);
    expect(r.resumedIntegrity.files.map((f: { path: string }) => f.path)).toEqual([
      "audit-20260215T000000Z.jsonl.gz",
      "audit.jsonl",
    ]);
    expect(r.resumedIntegrity.files[0].read_from_line).toBe(at + 1);
  });

  it("resumes at the next file when the rotation cut the log right after the checkpoint's line", async () => {
    const r = await february(copyOf("rotated-at", rotateAfter(at)), "rotated-at");
    expect(r.resumed.resume).toEqual({ resumed: true, fallback: null });
    expect(r.differences).toEqual([]);
  });

  it("reads the whole log, with a warning, when the checkpoint's line was edited", async () => {
    const home = copyOf("edited", () => {});
    await tamperLog(join(home, "audit.jsonl"), join(home, "audit.jsonl"), "edit", { line: at });
    const r = await february(home, "edited");
    expect(r.resumed.resume.resumed).toBe(false);
    expect(r.resumed.resume.fallback).toContain(
      `no longer holds the checkpoint's line ${at} of "audit.jsonl"`,
    );
    expect(r.differences).toEqual([]);
    expect(r.resumedIntegrity.anchor.type).toBe("genesis");
    expect(r.resumedIntegrity.finding_counts.hash_mismatch).toBe(1);
    expect(r.resumed.verified).toBe(false);
  });

  it("reads the whole log, with a warning, when the log was cut before the checkpoint's line", async () => {
    const home = copyOf("truncated", (log) => writeFileSync(log, `${lines.slice(0, at - 5).join("\n")}\n`));
    // Nothing of February is left; the export still says why it read the whole log.
    const r = await february(home, "truncated");
    expect(r.resumed.resume.resumed).toBe(false);
    expect(r.resumed.resume.fallback).toContain("no longer holds the checkpoint's line");
    expect(r.differences).toEqual([]);
  });

  it("reads the whole log, with a warning, when the file holding the checkpoint's line is gone", async () => {
    const home = copyOf("gone", (log) => {
      rotateAfter(at + 50)(log);
      rmSync(join(log, "..", "audit-20260215T000000Z.jsonl.gz"));
    });
    const r = await february(home, "gone");
    expect(r.resumed.resume.resumed).toBe(false);
    expect(r.resumed.resume.fallback).toContain("no other file starts with its first event");
    expect(r.differences).toEqual([]);
  });
});

describe("what a resumed export proves", () => {
  it("does not read again a line edited before the checkpoint without moving it (a full pass finds it)", async () => {
    // An edit that keeps every byte offset: a command's latency changed to one of as many digits.
    const line = lines.findLastIndex((l, i) => i < at - 10 && l.includes('"latency_us":')) + 1;
    const old = (JSON.parse(lines[line - 1] as string) as { latency_us: number }).latency_us;
    const home = copyOf("before", () => {});
    const log = join(home, "audit.jsonl");
    await tamperLog(log, log, "edit", {
      line,
      field: "latency_us",
      value: old % 10 === 9 ? old - 1 : old + 1,
    });
    const r = await february(home, "before");
    expect(r.resumed.resume).toEqual({ resumed: true, fallback: null });
    expect(r.resumed.verified).toBe(true);
    expect(r.full.verified).toBe(false);
    expect(r.fullIntegrity.findings[0]).toMatchObject({ kind: "hash_mismatch", line });
  });

  it("reads the whole log again when an edit before the checkpoint moved its line", async () => {
    const home = copyOf("moved", () => {});
    await tamperLog(join(home, "audit.jsonl"), join(home, "audit.jsonl"), "edit", { line: at - 10 });
    const r = await february(home, "moved");
    expect(r.resumed.resume.resumed).toBe(false);
    expect(r.resumed.verified).toBe(false);
    expect(r.differences).toEqual([]);
  });

  it("finds a line tampered with after the checkpoint, where a full pass finds it", async () => {
    const home = copyOf("after", () => {});
    await tamperLog(join(home, "audit.jsonl"), join(home, "audit.jsonl"), "edit", { line: at + 10 });
    const r = await february(home, "after");
    expect(r.resumed.resume).toEqual({ resumed: true, fallback: null });
    expect(r.resumed.verified).toBe(false);
    expect(r.resumedIntegrity.findings).toEqual(r.fullIntegrity.findings);
    expect(r.resumedIntegrity.findings[0]).toMatchObject({ kind: "hash_mismatch", line: at + 10 });
    expect(r.differences).toEqual([]);
  });

  it("finds a line deleted after the checkpoint as a link break at the same line", async () => {
    const home = copyOf("deleted", () => {});
    await tamperLog(join(home, "audit.jsonl"), join(home, "audit.jsonl"), "delete", { line: at + 3 });
    const r = await february(home, "deleted");
    expect(r.resumed.resume.resumed).toBe(true);
    expect(r.resumedIntegrity.findings[0]).toMatchObject({ kind: "link_break", line: at + 3 });
    expect(r.differences).toEqual([]);
  });
});
