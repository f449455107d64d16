import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateHome } from "./generate-home.ts";
import type { GenerateOptions } from "./options.ts";
import {
  chainOrder,
  hashedForm,
  listFiles,
  readAuditFiles,
  readRecords,
  verifyFiles,
} from "./test-support/chain.ts";
import { useScratch } from "./test-support/scratch.ts";

const dir = useScratch();
const small: Omit<GenerateOptions, "outDir"> = {
  seed: 42,
  from: "2026-02-01",
  to: "2026-02-28",
  events: 2_000,
  agents: 6,
};

/** Every edge option at once. */
const edges: Omit<GenerateOptions, "outDir"> = {
  ...small,
  approvalRecords: "mixed",
  approvalOrder: "mixed",
  timestampOffsets: 0.3,
  subsecondTimestamps: true,
  sameSecondBursts: 0.05,
  boundaryZone: "America/New_York",
  afterDays: 3,
  awkwardAgentNames: true,
  awkwardCommands: true,
};

const snapshot = (home: string) =>
  listFiles(home).map(
    (f) =>
      `${f} ${createHash("sha256")
        .update(readFileSync(join(home, f)))
        .digest("hex")}`,
  );

describe("generateHome", () => {
  it("writes byte-identical homes for the same options and different ones for another seed", async () => {
    const a = dir();
    const b = dir();
    const c = dir();
    await generateHome({ ...small, outDir: a, rotateEvents: 700 });
    await generateHome({ ...small, outDir: b, rotateEvents: 700 });
    await generateHome({ ...small, seed: "another seed", outDir: c, rotateEvents: 700 });
    expect(snapshot(a)).toEqual(snapshot(b));
    expect(readFileSync(join(c, "audit.jsonl")).equals(readFileSync(join(a, "audit.jsonl")))).toBe(false);
    expect(readFileSync(join(c, "tokens.yaml")).equals(readFileSync(join(a, "tokens.yaml")))).toBe(false);
  });

  it("writes byte-identical homes for the same options with every edge option on", async () => {
    const a = dir();
    const b = dir();
    const c = dir();
    const first = await generateHome({ ...edges, outDir: a, rotateEvents: 700 });
    const second = await generateHome({ ...edges, outDir: b, rotateEvents: 700 });
    await generateHome({ ...edges, seed: "another seed", outDir: c, rotateEvents: 700 });
    expect(snapshot(a)).toEqual(snapshot(b));
    expect({ ...first, outDir: "" }).toEqual({ ...second, outDir: "" });
    expect(readFileSync(join(c, "audit.jsonl")).equals(readFileSync(join(a, "audit.jsonl")))).toBe(false);
    expect(verifyFiles(chainOrder(readAuditFiles(a)))).toEqual([]);
    expect(first.lines).toBe(first.commandEvents + first.lifecycleRecords);
  });

  it("hashes the line with the hash key left out in omit mode", async () => {
    const home = dir();
    const result = await generateHome({ ...small, outDir: home, hashMode: "omit" });
    expect(result.hashMode).toBe("omit");
    const files = chainOrder(readAuditFiles(home));
    expect(verifyFiles(files)).toEqual([]);
    const first = files[0]?.text.split("\n")[0] ?? "";
    const hash = (JSON.parse(first) as { hash: string }).hash;
    const digest = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(digest(hashedForm(first, "omit"))).toBe(hash);
    expect(digest(hashedForm(first, "blank"))).not.toBe(hash);
  });

  it('hashes the line with "hash":"" in blank mode (the default)', async () => {
    const home = dir();
    await generateHome({ ...small, outDir: home });
    const first = readFileSync(join(home, "audit.jsonl"), "utf8").split("\n")[0] ?? "";
    expect(first).toMatch(/^\{"event":"proxy.started",.*"prev_hash":"genesis"\}$/);
    const hash = (JSON.parse(first) as { hash: string }).hash;
    expect(createHash("sha256").update(hashedForm(first, "blank")).digest("hex")).toBe(hash);
  });

  it("rotates every rotateEvents lines into gzipped files that chain into the live audit.jsonl", async () => {
    const home = dir();
    const result = await generateHome({ ...small, outDir: home, rotateEvents: 500 });
    const files = chainOrder(readAuditFiles(home));
    expect(files.map((f) => f.name)).toEqual(result.logFiles);
    expect(files.at(-1)?.name).toBe("audit.jsonl");
    for (const f of files.slice(0, -1)) {
      expect(f.name).toMatch(/^audit-\d{8}T\d{6}Z(-\d+)?\.jsonl\.gz$/);
      expect(f.text.split("\n").length - 1).toBe(500);
    }
    expect(verifyFiles(files)).toEqual([]);
    expect(result.lines).toBe(result.commandEvents + result.lifecycleRecords);
  });

  it("keeps only the last liveEvents command events in audit.jsonl and can leave rotated files plain", async () => {
    const home = dir();
    const result = await generateHome({ ...small, outDir: home, liveEvents: 50, gzipRotated: false });
    expect(result.logFiles).toHaveLength(2);
    expect(result.logFiles[0]).toMatch(/^audit-\d{8}T\d{6}Z\.jsonl$/);
    const live = readFileSync(join(home, "audit.jsonl"), "utf8").trimEnd().split("\n");
    expect(live.filter((l) => !l.startsWith('{"event"'))).toHaveLength(50);
    expect(verifyFiles(chainOrder(readAuditFiles(home)))).toEqual([]);
  });

  it("writes setup records before any traffic even without a preamble", async () => {
    const home = dir();
    const result = await generateHome({
      seed: 7,
      from: "2026-03-01",
      to: "2026-03-03",
      events: 300,
      preambleDays: 0,
      outDir: home,
    });
    const records = readRecords(home);
    const firstCommand = records.findIndex((r) => r.event === undefined);
    const created = new Set(
      records
        .slice(0, firstCommand)
        .filter((r) => r.event === "agent.created")
        .map((r) => r.agent),
    );
    expect(created.size).toBeGreaterThanOrEqual(5);
    expect(records.slice(0, firstCommand).some((r) => r.event === "policy.changed")).toBe(true);
    expect(result.commandEvents).toBe(300);
    expect(verifyFiles(chainOrder(readAuditFiles(home)))).toEqual([]);
  });

  it("refuses a directory that is not empty", async () => {
    const home = dir();
    await mkdir(home);
    await writeFile(join(home, "keep.txt"), "mine");
    await expect(generateHome({ ...small, outDir: home })).rejects.toThrow(/is not empty/);
  });

  it("rejects impossible options with a message naming the option", async () => {
    await expect(generateHome({ ...small, outDir: dir(), agents: 4 })).rejects.toThrow(
      /"agents" must be an integer from 5 to 20/,
    );
    await expect(generateHome({ ...small, outDir: dir(), agents: 21 })).rejects.toThrow(/"agents"/);
    await expect(
      generateHome({ ...small, outDir: dir(), from: "2026-03-01", to: "2026-02-01" }),
    ).rejects.toThrow(/"to".*before "from"/);
    await expect(generateHome({ ...small, outDir: dir(), from: "2026-02-30" })).rejects.toThrow(
      /"from" must be a date/,
    );
    await expect(generateHome({ ...small, outDir: dir(), events: 0 })).rejects.toThrow(/"events"/);
    await expect(generateHome({ ...small, outDir: dir(), hashMode: "none" as "blank" })).rejects.toThrow(
      /"hashMode"/,
    );
    await expect(generateHome({ ...small, outDir: "" })).rejects.toThrow(/"outDir"/);
    await expect(
      generateHome({ ...small, outDir: dir(), approvalRecords: "sometimes" as "mixed" }),
    ).rejects.toThrow(/"approvalRecords" must be one of "line", "record", "both", "mixed"/);
    await expect(
      generateHome({ ...small, outDir: dir(), approvalOrder: "random" as "mixed" }),
    ).rejects.toThrow(/"approvalOrder"/);
    await expect(
      generateHome({ ...small, outDir: dir(), outcomeFirstTimestamp: "now" as "resolved" }),
    ).rejects.toThrow(/"outcomeFirstTimestamp"/);
    await expect(generateHome({ ...small, outDir: dir(), timestampOffsets: 1.5 })).rejects.toThrow(
      /"timestampOffsets" must be a number from 0 to 1/,
    );
    await expect(generateHome({ ...small, outDir: dir(), sameSecondBursts: -0.1 })).rejects.toThrow(
      /"sameSecondBursts"/,
    );
    await expect(generateHome({ ...small, outDir: dir(), boundaryZone: "Mars/Olympus" })).rejects.toThrow(
      /"boundaryZone" must be an IANA time zone/,
    );
    await expect(generateHome({ ...small, outDir: dir(), afterDays: 1.5 })).rejects.toThrow(/"afterDays"/);
    await expect(
      generateHome({ ...small, outDir: dir(), awkwardCommands: "yes" as unknown as boolean }),
    ).rejects.toThrow(/"awkwardCommands" must be a boolean/);
  });
});
