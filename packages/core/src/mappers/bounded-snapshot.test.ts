import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { command, writeRawChain } from "../test-support/write-chain.ts";
import { boundSnapshot, CUT, SNAPSHOT_MAX_BYTES, SNAPSHOT_MAX_DEPTH } from "./bounded-snapshot.ts";

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const commandLine = (timestamp: string) => JSON.stringify(command({ timestamp })).slice(0, -1);

describe("bounded policy snapshots", () => {
  it("keeps a snapshot within the bounds whole, keys in order", () => {
    const snapshot = { default: "deny", agents: { b: { rules: [1, 2] }, a: { rules: [] } } };
    expect(boundSnapshot(snapshot)).toEqual({ snapshot, snapshot_truncated: null });
    expect(Object.keys((boundSnapshot(snapshot).snapshot as { agents: object }).agents)).toEqual(["b", "a"]);
  });

  it("cuts a snapshot deeper than the bound and says so, without overflowing the stack", () => {
    const { snapshot, snapshot_truncated } = boundSnapshot(JSON.parse(nested(200_000)));
    expect(snapshot_truncated).toEqual({
      reason: "depth",
      max_depth: SNAPSHOT_MAX_DEPTH,
      max_bytes: SNAPSHOT_MAX_BYTES,
    });
    let node: unknown = snapshot;
    let depth = 0;
    while (typeof node === "object" && node !== null) {
      node = (node as { a: unknown }).a;
      depth++;
    }
    expect(depth).toBe(SNAPSHOT_MAX_DEPTH);
    expect(node).toBe(CUT);
  });

  it("cuts a snapshot larger than the bound", () => {
    const big = {
      agents: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`agent-${i}`, "x".repeat(400)])),
    };
    const { snapshot, snapshot_truncated } = boundSnapshot(big);
    expect(snapshot_truncated?.reason).toBe("size");
    expect(JSON.stringify(snapshot).length).toBeLessThan(SNAPSHOT_MAX_BYTES * 1.1);
  });

  it("exports a small log holding a 20,000-deep policy snapshot into a small package with a reason", async () => {
    const line = `{"event":"policy.changed","timestamp":"2026-01-20T00:00:00Z","version":"v9","sha256":"${"a".repeat(64)}","snapshot":${nested(20_000)}`;
    const home = writeRawChain([line, commandLine("2026-02-03T09:00:00Z")]);
    const out = join(mkdtempSync(join(tmpdir(), "deep-")), "evidence");
    await exportEvidence({
      source: home,
      from: "2026-02-01",
      to: "2026-02-28",
      format: "json",
      output: out,
      now: () => new Date("2026-03-10T00:00:00Z"),
    });
    const file = join(out, "cc6.1-access-controls.json");
    expect(statSync(file).size).toBeLessThan(64 * 1024);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc.policy.at_start).toMatchObject({
      version: "v9",
      sha256: "a".repeat(64),
      snapshot_truncated: { reason: "depth" },
    });
    expect(doc.reasons.map((r: { code: string }) => r.code)).toContain("policy_snapshot_truncated");
  });
});
