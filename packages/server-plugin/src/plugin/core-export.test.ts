import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  readPublicKey,
  readSummaryFile,
  verifyPackage,
  verifySeries,
  writeSigningKeys,
} from "@iddio-compliance/core";
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

  it("signs six scheduled months, links each to the one before, and they pass verify-series as one series", async () => {
    await writeAuditLog(join(dir, "home"), 190);
    await seedState(dir, { last_completed: { from: "2025-12-01", to: "2025-12-31" } });
    const keys = writeSigningKeys(join(dir, "keys"));
    const pem = await readFile(keys.privateKeyPath, "utf8");
    // The key as PEM text, as `key: ${SIGNING_KEY}` gives it.
    const config = serverConfig(dir, { signing: { key: pem } });
    const clock = new ManualClock("2026-07-01T00:00:00Z");
    const { plugin, close } = await startPlugin(config, { clock, connectorList: [] });
    await plugin.whenIdle();
    await close();

    const months = ["01-31", "02-28", "03-31", "04-30", "05-31", "06-30"].map((end) =>
      join(dir, "store", `2026-${end.slice(0, 2)}-01_2026-${end}`),
    );
    const series = await verifySeries(months, { publicKey: readPublicKey(keys.publicKeyPath, "--key") });
    expect(series.problems).toEqual([]);
    expect(series.packages).toHaveLength(6);
    const first = readSummaryFile(months[0] as string).summary;
    const second = readSummaryFile(months[1] as string).summary;
    expect(first.previous).toBeNull();
    expect(second.previous?.summary_sha256).toBe(readSummaryFile(months[0] as string).sha256);
    // The key never reaches the ledger.
    const ledger = JSON.stringify(await ledgerRecords(dir));
    expect(ledger).not.toContain(pem.split("\n")[1]?.slice(0, 24));
  });
});
