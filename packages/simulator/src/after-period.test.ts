import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type GenerateResult, generateHome } from "./generate-home.ts";
import type { GenerateOptions } from "./options.ts";
import { chainOrder, readAuditFiles, readRecords, verifyFiles } from "./test-support/chain.ts";
import { instantOf, useScratch } from "./test-support/scratch.ts";

const dir = useScratch();
const options: Omit<GenerateOptions, "outDir"> = {
  seed: "after",
  from: "2026-02-01",
  to: "2026-02-28",
  events: 2_000,
  agents: 8,
  afterDays: 5,
};
const END = Date.parse("2026-03-01T00:00:00Z");

type Rec = Record<string, unknown>;
let home = "";
let result: GenerateResult;
let records: Rec[] = [];

beforeAll(async () => {
  home = dir();
  result = await generateHome({ ...options, outDir: home });
  records = readRecords(home);
});

/** The last record of `kinds` for `agent` in the whole log. */
const last = (kinds: readonly string[], agent: string) =>
  records.filter((r) => kinds.includes(String(r.event)) && r.agent === agent).at(-1);

describe("afterDays", () => {
  it("writes token, certificate and agent changes after the period as lifecycle records", () => {
    expect(verifyFiles(chainOrder(readAuditFiles(home)))).toEqual([]);
    const after = records.filter((r) => r.event !== undefined && instantOf(r.timestamp) >= END);
    const kinds = new Set(after.map((r) => r.event));
    for (const kind of [
      "token.rotated",
      "token.issued",
      "token.revoked",
      "cert.issued",
      "cert.renewed",
      "cert.revoked",
      "agent.created",
      "agent.removed",
      "policy.changed",
    ]) {
      expect(kinds.has(kind), kind).toBe(true);
    }
    const changes = result.afterPeriod?.changes ?? [];
    expect(changes[0]).toMatchObject({ event: "token.rotated", at: END + 1000 });
    for (const change of changes) {
      expect(change.at).toBeGreaterThanOrEqual(END);
      const record = after.find(
        (r) => r.event === change.event && r.agent === change.agent && instantOf(r.timestamp) === change.at,
      );
      expect(record, `${change.event} ${change.agent}`).toBeDefined();
    }
    expect(changes.some((c) => c.event === "cert.renewed" && c.agent === "proxy")).toBe(true);
    expect(changes.some((c) => c.event === "cert.renewed" && c.agent !== "proxy")).toBe(true);
  });

  it("leaves the home's files describing the state after those changes", () => {
    const created = result.afterPeriod?.createdAgent ?? "";
    const removed = String(records.filter((r) => r.event === "agent.removed").at(-1)?.agent);
    const { tokens } = parse(readFileSync(join(home, "tokens.yaml"), "utf8")) as {
      tokens: { agent: string; token: string; created_at: string }[];
    };
    const names = tokens.map((t) => t.agent);
    expect(names).toContain(created);
    expect(names).not.toContain(removed);
    for (const t of tokens) {
      const latest = last(["token.issued", "token.rotated"], t.agent);
      expect(latest?.fingerprint).toBe(`sha256:${createHash("sha256").update(t.token).digest("hex")}`);
      expect(t.created_at).toBe(latest?.timestamp);
    }
    const rotatedFirst = result.afterPeriod?.changes[0]?.agent ?? "";
    expect(Date.parse(tokens.find((t) => t.agent === rotatedFirst)?.created_at ?? "")).toBe(END + 1000);

    const folders = readdirSync(join(home, "agents")).sort();
    const existing = [
      ...new Set(records.filter((r) => r.event === "agent.created").map((r) => String(r.agent))),
    ]
      .filter((a) => last(["agent.created", "agent.removed"], a)?.event === "agent.created")
      .sort();
    expect(folders).toEqual(existing);
    expect(existsSync(join(home, "agents", created, "agent.crt"))).toBe(true);
    const fingerprint = (path: string) =>
      new X509Certificate(readFileSync(path)).fingerprint256.replaceAll(":", "").toLowerCase();
    for (const agent of folders) {
      const latest = last(["cert.issued", "cert.renewed"], agent);
      expect(fingerprint(join(home, "agents", agent, "agent.crt"))).toBe(latest?.fingerprint);
    }
    const proxy = last(["cert.issued", "cert.renewed"], "proxy");
    expect(instantOf(proxy?.timestamp)).toBeGreaterThan(END);
    expect(fingerprint(join(home, "tls.crt"))).toBe(proxy?.fingerprint);
    const policies = records.filter((r) => r.event === "policy.changed");
    expect(instantOf(policies.at(-1)?.timestamp)).toBeGreaterThan(END);
    expect(parse(readFileSync(join(home, "policy.yaml"), "utf8"))).toEqual(policies.at(-1)?.snapshot);
  });

  it("continues traffic after the period, from the agent created after it and not from the one removed", () => {
    const commands = records.filter((r) => r.event === undefined);
    const after = commands.filter((r) => instantOf(r.timestamp) >= END);
    // Five days at the period's rate (2,000 events over 28 days plus 14 days of lighter setup).
    expect(after.length).toBeGreaterThan(150);
    expect(after.length).toBeLessThan(600);
    expect(result.commandEvents).toBe((options.events ?? 0) + after.length);
    const createdAt = instantOf(
      records.find((r) => r.event === "agent.created" && r.agent === result.afterPeriod?.createdAgent)
        ?.timestamp,
    );
    const byCreated = commands.filter((r) => r.agent === result.afterPeriod?.createdAgent);
    expect(byCreated.length).toBeGreaterThan(0);
    expect(byCreated.every((r) => instantOf(r.timestamp) >= createdAt)).toBe(true);
    const removal = records.filter((r) => r.event === "agent.removed").at(-1);
    expect(
      commands.filter(
        (r) => r.agent === removal?.agent && instantOf(r.timestamp) > instantOf(removal?.timestamp),
      ),
    ).toEqual([]);
  });

  it("writes the same lines until the period has ended in UTC and in its zone as the same home without afterDays", async () => {
    const edges: Omit<GenerateOptions, "outDir"> = {
      ...options,
      approvalRecords: "mixed",
      approvalOrder: "mixed",
      timestampOffsets: 0.3,
      subsecondTimestamps: true,
      sameSecondBursts: 0.05,
      // West of UTC: the period ends five hours after UTC midnight.
      boundaryZone: "America/New_York",
      awkwardAgentNames: true,
    };
    const lines = async (afterDays: number) => {
      const out = dir();
      const generated = await generateHome({ ...edges, afterDays, outDir: out });
      expect(generated.period.end).toBe(END + 5 * 3_600_000);
      return chainOrder(readAuditFiles(out))
        .flatMap((f) => f.text.slice(0, -1).split("\n"))
        .filter((l) => instantOf((JSON.parse(l) as Rec).timestamp) < generated.period.end);
    };
    const without = await lines(0);
    const withAfter = await lines(7);
    expect(without.length).toBeGreaterThan(2_000);
    expect(withAfter).toEqual(without);
  });
});
