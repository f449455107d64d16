import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { verifyAuditLog } from "../chain/verify-audit-log.ts";
import { isComplianceError } from "../errors/compliance-error.ts";
import { command, writeChain, writeRawChain } from "../test-support/write-chain.ts";
import { exportEvidence } from "./export-evidence.ts";
import { MappingThread } from "./mapping-thread.ts";

const SAMPLE = fileURLToPath(new URL("../../../../examples/iddio-home/", import.meta.url));
const GO = fileURLToPath(new URL("../chain/fixtures/go/", import.meta.url));
const NOW = new Date("2026-04-02T00:00:00Z");

/** Exports `source` with mapping on its own thread or not; returns every file's bytes by name. */
async function exportFiles(source: string, format: "json" | "csv", mappingThread: boolean) {
  const output = join(mkdtempSync(join(tmpdir(), "mapping-")), "evidence");
  const result = await exportEvidence({
    source,
    from: "2026-01-01",
    to: "2026-03-31",
    format,
    output,
    now: () => NOW,
    mappingThread,
    hashThreads: 0,
  });
  const files = Object.fromEntries(
    readdirSync(output).map((f) => [f, readFileSync(join(output, f), "utf8")]),
  );
  return { files, result };
}

describe("mapping on a thread of its own", () => {
  const sources = [
    ["the bundled sample", SAMPLE],
    ["Go's rotated files", join(GO, "rotated")],
    ...readdirSync(GO)
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => [`Go's ${f}`, join(GO, f)]),
  ];
  for (const [name, source] of sources) {
    it(`writes byte-identical evidence to mapping on the calling thread for ${name}`, async () => {
      const format = name === "the bundled sample" ? "csv" : "json";
      const here = await exportFiles(source as string, format, false);
      const thread = await exportFiles(source as string, format, true);
      expect(Object.keys(thread.files).sort()).toEqual(Object.keys(here.files).sort());
      for (const [file, text] of Object.entries(here.files)) expect(thread.files[file], file).toBe(text);
    }, 60_000);
  }

  it("reports a line whose hash verifies but that is not JSON as malformed, on either thread, as verify does", async () => {
    const home = writeRawChain([
      '{"timestamp":"2026-02-01T10:00:00Z","agent":"a","method":"GET","path":"/","tier":0,"decision":"allow"',
      '{"timestamp":"2026-02-01T10:01:00Z","agent":"a",,"method":"GET","tier":0,"decision":"allow"',
      // No comma between hash and prev_hash: the part before them is JSON, the line is not.
      [
        '{"timestamp":"2026-02-01T10:02:00Z","agent":"a","method":"GET","path":"/","tier":0,"decision":"deny"',
        " ",
      ],
      '{"timestamp":"2026-02-01T10:03:00Z","agent":"a","method":"GET","path":"/","tier":0,"decision":"allow"',
    ]);
    const verdict = await verifyAuditLog({ source: home });
    expect(verdict.verified).toBe(false);
    expect(verdict.findings.map((f) => [f.kind, f.line])).toEqual([
      ["malformed", 2],
      ["malformed", 3],
      ["link_break", 4], // it names line 3's hash: a malformed line is no link
    ]);
    for (const mappingThread of [false, true]) {
      const { result, files } = await exportFiles(home, "json", mappingThread);
      expect(result.verified).toBe(false);
      expect(result.summary.unrecognised_records.kinds).toEqual({});
      const cc61 = JSON.parse(files["cc6.1-access-controls.json"] as string);
      expect(cc61.population).toMatchObject({ command_events: 2, denied_requests: 0 });
    }
  });

  it("skips command events outside the period by their bytes, yet reads every lifecycle record", async () => {
    const home = writeRawChain([
      // A lifecycle record written timestamp-first (not iddio's order) before the period.
      '{"timestamp":"2025-12-01T00:00:00Z","event":"policy.changed","version":"v9","sha256":"ab","actor":"eve","snapshot":{}',
      // The same, with its key spelled with an escape: still a lifecycle record, still read.
      '{"timestamp":"2025-12-01T00:01:00Z","\\u0065vent":"policy.changed","version":"v10","sha256":"cd","actor":"eve","snapshot":{}',
      // A command event before the period that no mapper could read: not counted.
      '{"timestamp":"2025-12-02T00:00:00Z","agent":"a","method":"GET","path":"/","tier":0,"decision":"maybe"',
      // Not even JSON: a malformed line, whatever its hash, and no record.
      '{"timestamp":"2025-12-03T00:00:00Z","agent":"a",,"tier":0',
      '{"timestamp":"2026-02-01T10:00:00Z","agent":"a","method":"GET","path":"/","tier":0,"decision":"allow"',
      '{"timestamp":"2026-04-02T00:00:00Z","agent":"b","method":"GET","path":"/","tier":0,"decision":"deny"',
    ]);
    for (const mappingThread of [false, true]) {
      const { result, files } = await exportFiles(home, "json", mappingThread);
      const integrity = JSON.parse(files["audit-log-integrity.json"] as string);
      expect(integrity.findings.map((f: { kind: string; line: number }) => [f.kind, f.line])).toEqual([
        ["malformed", 4],
        ["link_break", 5],
      ]);
      expect(result.verified).toBe(false);
      expect(result.summary.unrecognised_records.total).toBe(0);
      const cc61 = JSON.parse(files["cc6.1-access-controls.json"] as string);
      expect(cc61.population).toMatchObject({ command_events: 1, agents: 1, denied_requests: 0 });
      expect(cc61.policy.at_start).toMatchObject({ version: "v10", sha256: "cd", source: "policy.changed" });
    }
  });

  it("writes a log value shaped like a spooled list as it is, never as a file to read", async () => {
    const home = writeChain([
      {
        event: "policy.changed",
        timestamp: "2025-12-01T00:00:00Z",
        version: "v1",
        sha256: "ab",
        actor: "eve",
        snapshot: { notes: { "iddio-compliance.spool": "/etc/hostname", total: 1 } },
      },
      command({ decision: "deny" }),
    ]);
    const here = await exportFiles(home, "json", false);
    const thread = await exportFiles(home, "json", true);
    expect(thread.files).toEqual(here.files);
    const cc61 = JSON.parse(thread.files["cc6.1-access-controls.json"] as string);
    expect(cc61.policy.at_start.snapshot).toEqual({
      notes: { "iddio-compliance.spool": "/etc/hostname", total: 1 },
    });
    expect(cc61.denied_requests.items).toHaveLength(1);
  });

  it("leaves nothing behind when aborted while reading, on either thread", async () => {
    for (const mappingThread of [false, true]) {
      const output = join(mkdtempSync(join(tmpdir(), "mapping-")), "evidence");
      const controller = new AbortController();
      const pending = exportEvidence({
        source: SAMPLE,
        from: "2026-01-01",
        to: "2026-03-31",
        format: "json",
        output,
        mappingThread,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      await expect(pending).rejects.toMatchObject({ code: "ABORTED" });
      expect(existsSync(output)).toBe(false);
    }
  });

  it("reports an error raised on the thread with its code", async () => {
    const thread = new MappingThread({
      from: "2026-01-01",
      to: "2026-03-31",
      timeZone: "Not/AZone",
      inputs: { home: "", policy: null, tokens: null, agentCerts: null, proxyCert: null, recordings: null },
      spoolDir: mkdtempSync(join(tmpdir(), "spool-")),
      now: NOW,
    });
    try {
      const error = await thread.finish({} as never).catch((e: unknown) => e);
      expect(isComplianceError(error) && error.code).toBe("INVALID_OPTION");
      expect((error as Error).message).toContain("Not/AZone");
    } finally {
      await thread.close();
    }
  });
});
