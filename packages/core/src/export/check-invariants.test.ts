import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AccessControlsMapper } from "../mappers/cc6-1-access-controls.ts";
import { AuthorizationChangesMapper } from "../mappers/cc6-3-authorization-changes.ts";
import { command, writeChain } from "../test-support/write-chain.ts";
import { exportEvidence } from "./export-evidence.ts";

const home = () =>
  writeChain([
    command({ timestamp: "2026-02-03T09:00:00Z" }),
    command({
      timestamp: "2026-02-03T09:00:01Z",
      decision: "escalate",
      tier: 2,
      request_id: "esc_1",
      approval: "granted",
      approval_wait_ms: 100,
    }),
    command({ timestamp: "2026-02-03T09:00:02Z", decision: "deny", tier: 3 }),
  ]);

async function exportTo(format: "json" | "csv") {
  const parent = mkdtempSync(join(tmpdir(), "invariants-"));
  const output = join(parent, "evidence");
  const run = exportEvidence({
    source: home(),
    from: "2026-02-01",
    to: "2026-02-28",
    format,
    output,
    now: () => new Date("2026-03-10T00:00:00Z"),
    mappingThread: false,
  });
  return { run, parent, output };
}

afterEach(() => vi.restoreAllMocks());

describe("export-time invariants", () => {
  for (const format of ["json", "csv"] as const) {
    it(`refuses to write a ${format} package whose approvals do not add up, and leaves nothing behind`, async () => {
      const finish = AuthorizationChangesMapper.prototype.finish;
      vi.spyOn(AuthorizationChangesMapper.prototype, "finish").mockImplementation(function (
        this: AuthorizationChangesMapper,
        facts,
      ) {
        const doc = finish.call(this, facts);
        return { ...doc, approvals: { ...doc.approvals, granted: doc.approvals.granted + 1 } };
      });
      const { run, parent, output } = await exportTo(format);
      await expect(run).rejects.toMatchObject({
        code: "INVARIANT_VIOLATED",
        message: expect.stringContaining("cc6.3 escalations = granted + denied + expired + unresolved"),
      });
      expect(existsSync(output)).toBe(false);
      expect(readdirSync(parent)).toEqual([]);
    });
  }

  it("refuses a package whose per-agent rows do not sum to the total, naming the rule", async () => {
    const finish = AccessControlsMapper.prototype.finish;
    vi.spyOn(AccessControlsMapper.prototype, "finish").mockImplementation(function (
      this: AccessControlsMapper,
      facts,
    ) {
      const doc = finish.call(this, facts);
      return { ...doc, population: { ...doc.population, command_events: doc.population.command_events + 1 } };
    });
    const { run } = await exportTo("json");
    await expect(run).rejects.toThrow(
      /cc6\.1 Σ agents\.total_requests = population\.command_events \(expected 4, found 3\)/,
    );
  });

  it("writes a consistent package", async () => {
    const { run, output } = await exportTo("csv");
    await run;
    expect(existsSync(join(output, "summary.json"))).toBe(true);
  });
});
