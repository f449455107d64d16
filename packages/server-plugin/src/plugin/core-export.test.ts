import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyPackage } from "@iddio-compliance/core";
import { COMMAND_EVENT_FIELDS, goMarshalStruct } from "@iddio-compliance/schema";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../ledger/ledger-record.ts";
import { ManualClock } from "../test-support/manual-clock.ts";
import { ledgerRecords, seedState, serverConfig, startPlugin } from "../test-support/plugin-fixture.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "core-export-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A small real audit log: command events hashed with iddio's recipe, one per day. */
async function writeAuditLog(home: string, days: number): Promise<void> {
  let prev = "genesis";
  const lines: string[] = [];
  for (let d = 0; d < days; d++) {
    const event = {
      timestamp: new Date(Date.UTC(2026, 0, 1 + d, 10)).toISOString().replace(".000Z", "Z"),
      agent: "claude-code",
      method: "GET",
      path: "/api/v1/namespaces/payments/pods",
      namespace: "payments",
      resource: "pods",
      tier: 0,
      decision: "allow",
      latency_us: 120,
      hash: "",
      prev_hash: prev,
    };
    const blank = goMarshalStruct(event, COMMAND_EVENT_FIELDS);
    const hash = sha256Hex(blank);
    lines.push(blank.replace('"hash":""', `"hash":"${hash}"`));
    prev = hash;
  }
  await mkdir(home, { recursive: true });
  await writeFile(join(home, "audit.jsonl"), `${lines.join("\n")}\n`);
}

describe("compliancePlugin with core's exportEvidence", () => {
  it("stores verified packages that pass verifyPackage, anchors the next export and feeds it the ledger", async () => {
    await writeAuditLog(join(dir, "home"), 45);
    await seedState(dir, { last_completed: { from: "2025-12-01", to: "2025-12-31" } });
    const clock = new ManualClock("2026-02-01T00:00:00Z");
    const { host, plugin, close } = await startPlugin(serverConfig(dir), { clock, connectorList: [] });
    await host.callHook("token:rotated", {
      timestamp: "2026-02-03T00:00:00Z",
      agent: "claude-code",
      fingerprint: "sha256:bb",
      previous_fingerprint: "sha256:aa",
    });
    clock.set("2026-03-01T00:00:00Z");
    await plugin.whenIdle();

    for (const key of ["2026-01-01_2026-01-31", "2026-02-01_2026-02-28"]) {
      const verdict = await verifyPackage(join(dir, "store", key));
      expect(verdict.ok).toBe(true);
      expect(verdict.summary.integrity.verified).toBe(true);
    }
    const completed = (await ledgerRecords(dir)).filter((r) => r.event === "export.completed");
    expect(completed.map((r) => [r.period_from, r.events])).toEqual([
      ["2026-01-01", 45],
      ["2026-02-01", 45],
    ]);
    expect(plugin.metrics()).toContain("iddio_compliance_export_chain_verified 1");
    await close();
  });
});
