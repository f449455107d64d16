import { cpSync, mkdtempSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateHome, type TamperKind, tamperLog } from "@iddio-compliance/simulator";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyAuditLog } from "./verify-audit-log.ts";

let home: string;
let files: readonly string[];

beforeAll(async () => {
  home = join(mkdtempSync(join(tmpdir(), "rotated-")), "home");
  const result = await generateHome({
    outDir: home,
    seed: 11,
    events: 1200,
    from: "2026-01-01",
    to: "2026-01-31",
    rotateEvents: 300,
    gzipRotated: true,
  });
  files = result.logFiles;
}, 60_000);

/** A copy of the home with one log file tampered; returns the findings the simulator promises. */
async function tampered(file: string, kind: TamperKind, line: number) {
  const dir = join(mkdtempSync(join(tmpdir(), "tampered-")), "home");
  cpSync(home, dir, { recursive: true });
  const target = join(dir, file);
  // The output keeps the input's ending: tamperLog gzips a `.gz` output.
  const output = target.endsWith(".gz") ? `${target}.new.gz` : `${target}.new`;
  const result = await tamperLog(target, output, kind, { line });
  renameSync(output, target);
  return { dir, result };
}

describe("verifyAuditLog across rotated, gzipped files", () => {
  it("verifies the untouched rotated log, ordering files by the chain", async () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    const verdict = await verifyAuditLog({ source: home, hashThreads: 0 });
    expect(verdict.findings).toEqual([]);
    expect(verdict.files.map((f) => f.path)).toEqual(files);
  });

  const cases: [TamperKind, number][] = [
    ["edit", 17],
    ["delete", 40],
    ["insert", 55],
    ["reorder", 80],
    ["garbage", 90],
  ];
  for (const [kind, line] of cases) {
    for (const threads of [0, 2]) {
      it(`reports a ${kind} inside the second (gzipped) file at its exact line, ${threads ? "with" : "without"} hashing workers`, async () => {
        const file = files[1] as string;
        expect(file.endsWith(".gz")).toBe(true);
        const { dir, result } = await tampered(file, kind, line);
        const verdict = await verifyAuditLog({ source: dir, hashThreads: threads });
        expect(verdict.findings.map((f) => ({ kind: f.kind, file: f.file, line: f.line }))).toEqual(
          result.findings.map((f) => ({ kind: f.kind, file, line: f.line })),
        );
        expect(verdict.verified).toBe(false);
      });
    }
  }

  it("warns of a truncated tail in the live file and still verifies the events before it", async () => {
    const live = files.at(-1) as string;
    const { dir, result } = await tampered(live, "truncate", 0);
    const verdict = await verifyAuditLog({ source: dir });
    expect(verdict.findings.map((f) => [f.kind, f.file, f.line])).toEqual([
      ["truncated_tail", live, result.expected.line],
    ]);
    expect(verdict.verified).toBe(true);
  });

  it("reports genesis_missing when the oldest rotated file is gone", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tampered-")), "home");
    cpSync(home, dir, { recursive: true, filter: (src) => !src.endsWith(files[0] as string) });
    const verdict = await verifyAuditLog({ source: dir });
    expect(verdict.findings.map((f) => [f.kind, f.file, f.line])).toEqual([["genesis_missing", files[1], 1]]);
  });
});
