import { X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AWKWARD_AGENT_NAMES } from "./awkward.ts";
import { generateHome } from "./generate-home.ts";
import { chainOrder, readAuditFiles, readRecords, verifyFiles } from "./test-support/chain.ts";
import { useScratch } from "./test-support/scratch.ts";

const dir = useScratch();
const small = { seed: "awkward", from: "2026-02-01", to: "2026-02-28", events: 2_000 } as const;

describe("awkward strings", () => {
  it("name agents with markup, formula starts, delimiters, quotes and line breaks that stay valid folder names, YAML keys and URIs", async () => {
    const home = dir();
    const result = await generateHome({ ...small, agents: 20, awkwardAgentNames: true, outDir: home });
    expect(AWKWARD_AGENT_NAMES.every((n) => result.agents.includes(n))).toBe(true);
    for (const start of ["<", "+", "-", "@", " ", "\t", "\u00a0", "\u200b", "＝"]) {
      expect(
        result.agents.some((n) => n.startsWith(start)),
        JSON.stringify(start),
      ).toBe(true);
    }
    for (const part of [",", '"', "\n", "\r\n", ";"]) {
      expect(
        result.agents.some((n) => n.includes(part)),
        JSON.stringify(part),
      ).toBe(true);
    }
    const records = readRecords(home);
    const removed = new Set(records.filter((r) => r.event === "agent.removed").map((r) => String(r.agent)));
    const present = result.agents.filter((a) => !removed.has(a)).sort();
    expect(readdirSync(join(home, "agents")).sort()).toEqual(present);
    const { tokens } = parse(readFileSync(join(home, "tokens.yaml"), "utf8")) as {
      tokens: { agent: string }[];
    };
    expect(tokens.map((t) => t.agent).sort()).toEqual(present);
    const policy = parse(readFileSync(join(home, "policy.yaml"), "utf8")) as {
      agents: Record<string, unknown>;
    };
    expect(Object.keys(policy.agents).every((a) => result.agents.includes(a))).toBe(true);
    expect(Object.keys(policy.agents).filter((a) => AWKWARD_AGENT_NAMES.includes(a)).length).toBeGreaterThan(
      10,
    );
    for (const agent of present) {
      const cert = new X509Certificate(readFileSync(join(home, "agents", agent, "agent.crt")));
      // Node quotes a SAN entry holding a comma as a JSON string: `URI:"spiffe://…\u002c…"`.
      const entry = /URI:("(?:[^"\\]|\\.)*"|[^,\s]+)/.exec(cert.subjectAltName ?? "")?.[1] ?? "";
      const uri = entry.startsWith('"') ? (JSON.parse(entry) as string) : entry;
      expect(uri).toMatch(/^spiffe:\/\/iddio\.local\/agent\/[\x21-\x7e]+$/);
      expect(decodeURIComponent(uri.slice("spiffe://iddio.local/agent/".length))).toBe(agent);
    }
    const commandAgents = new Set(records.filter((r) => r.event === undefined).map((r) => String(r.agent)));
    expect(AWKWARD_AGENT_NAMES.filter((n) => commandAgents.has(n)).length).toBeGreaterThan(10);
    expect(verifyFiles(chainOrder(readAuditFiles(home)))).toEqual([]);
  });

  it("put line breaks, quotes, commas and formula starts in SSH command lines, escalated ones included", async () => {
    const home = dir();
    await generateHome({ ...small, agents: 8, awkwardCommands: true, outDir: home });
    const commands = readRecords(home).filter((r) => r.event === undefined && typeof r.command === "string");
    const texts = commands.map((r) => String(r.command));
    for (const part of ["\n", "\r\n", '"', ",", "\n="]) {
      expect(
        texts.some((t) => t.includes(part)),
        JSON.stringify(part),
      ).toBe(true);
    }
    expect(texts.some((t) => /\r(?!\n)/.test(t))).toBe(true);
    const multiLine = commands.filter((r) => String(r.command).includes("\n"));
    expect(multiLine.every((r) => r.path === r.command)).toBe(true);
    expect(multiLine.some((r) => r.decision === "escalate")).toBe(true);
  });
});
