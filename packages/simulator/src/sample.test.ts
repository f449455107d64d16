import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { goMarshalValue } from "@iddio-compliance/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generateHome } from "./generate-home.ts";
import { SAMPLE_OPTIONS } from "./sample-options.ts";
import { chainOrder, listFiles, readAuditFiles, readRecords, verifyFiles } from "./test-support/chain.ts";

const SAMPLE = resolve(import.meta.dirname, "../../../examples/iddio-home");
/** Hand-written files that live beside the generated ones. */
const HAND_WRITTEN = new Set(["README.md", ".gitattributes"]);

type Rec = Record<string, unknown>;
let records: Rec[] = [];
const commands = () => records.filter((r) => r.event === undefined);
const kind = (k: string) => records.filter((r) => r.event === k);

beforeAll(() => {
  records = readRecords(SAMPLE);
});

describe("the committed sample examples/iddio-home", () => {
  let scratch = "";
  afterAll(async () => {
    if (scratch !== "") await rm(scratch, { recursive: true, force: true });
  });

  it("regenerates byte-identically from SAMPLE_OPTIONS", async () => {
    scratch = await mkdtemp(join(tmpdir(), "iddio-sample-"));
    const out = join(scratch, "home");
    const result = await generateHome({ ...SAMPLE_OPTIONS, outDir: out });
    const committed = listFiles(SAMPLE).filter((f) => !HAND_WRITTEN.has(f));
    expect(listFiles(out)).toEqual(committed);
    expect([...result.files]).toEqual(committed);
    const differing = committed.filter(
      (f) => !readFileSync(join(out, f)).equals(readFileSync(join(SAMPLE, f))),
    );
    expect(differing).toEqual([]);
  });

  it("is one hash chain across its rotated files, each line's hash recomputed with node:crypto", () => {
    const files = chainOrder(readAuditFiles(SAMPLE));
    expect(files.map((f) => f.name).sort()).toEqual(
      readAuditFiles(SAMPLE)
        .map((f) => f.name)
        .sort(),
    );
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(files[files.length - 1]?.name).toBe("audit.jsonl");
    expect(files.slice(0, -1).every((f) => /^audit-\d{8}T\d{6}Z\.jsonl\.gz$/.test(f.name))).toBe(true);
    expect(verifyFiles(files)).toEqual([]);
  });

  it("writes Go's escapes for <, >, &, U+2028 and U+2029 and keeps non-ASCII as UTF-8", () => {
    const text = readAuditFiles(SAMPLE)
      .map((f) => f.text)
      .join("");
    for (const esc of ["\\u003c", "\\u003e", "\\u0026", "\\u2028", "\\u2029", '\\"', "\\\\"]) {
      expect(text.includes(esc), esc).toBe(true);
    }
    expect(text).toContain("é");
    expect(/[<>&\u2028\u2029]/.test(text)).toBe(false);
  });

  it("stays under 5 MB with a small live audit.jsonl", () => {
    const bytes = listFiles(SAMPLE).reduce((sum, f) => sum + statSync(join(SAMPLE, f)).size, 0);
    expect(bytes).toBeLessThan(5_000_000);
    expect(statSync(join(SAMPLE, "audit.jsonl")).size).toBeLessThan(400_000);
  });

  it("covers the quarter with setup traffic before it and tens of thousands of command events", () => {
    const cmds = commands();
    expect(cmds).toHaveLength(SAMPLE_OPTIONS.events ?? 0);
    expect(String(records[0]?.timestamp) < "2026-01-01").toBe(true);
    expect(cmds.some((r) => String(r.timestamp).startsWith("2026-03-31"))).toBe(true);
    expect(cmds.filter((r) => String(r.timestamp) < "2026-01-01").length).toBeGreaterThan(100);
  });

  it("spreads tiers mostly at 0 with a tail to break-glass, and decisions follow the policy", () => {
    const cmds = commands();
    const share = (tier: number) => cmds.filter((r) => r.tier === tier).length / cmds.length;
    expect(share(0)).toBeGreaterThan(0.85);
    expect(share(4)).toBeGreaterThan(0);
    expect(share(4)).toBeLessThan(0.01);
    expect(new Set(cmds.map((r) => r.decision))).toEqual(new Set(["allow", "escalate", "deny"]));
    expect(new Set(cmds.map((r) => r.protocol ?? "kubernetes"))).toEqual(
      new Set(["kubernetes", "ssh", "terraform", "helm", "aws", "mcp"]),
    );
    expect(cmds.some((r) => r.tier === 4 && r.decision === "escalate" && r.approval === "granted")).toBe(
      true,
    );
  });

  it("resolves escalations with an approver and wait time, except a few left unresolved", () => {
    const escalated = commands().filter((r) => r.decision === "escalate");
    expect(escalated.every((r) => /^esc_[0-9a-f]{8}$/.test(String(r.request_id)))).toBe(true);
    const unresolved = escalated.filter((r) => r.approval === undefined);
    expect(unresolved.length).toBeGreaterThan(0);
    expect(unresolved.length).toBeLessThan(escalated.length * 0.02);
    expect(new Set(escalated.map((r) => r.approval))).toEqual(
      new Set(["granted", "denied", "expired", undefined]),
    );
    for (const r of escalated.filter((e) => e.approval === "granted" || e.approval === "denied")) {
      expect(typeof r.approver).toBe("string");
      expect(r.approval_wait_ms).toBeGreaterThan(0);
    }
  });

  it("names agents that a spreadsheet would take for formulas", () => {
    const agents = new Set(commands().map((r) => String(r.agent)));
    expect([...agents].some((a) => a.startsWith("="))).toBe(true);
    expect([...agents].some((a) => a.startsWith("@"))).toBe(true);
  });

  it("fingerprints tokens as sha256 of tokens.yaml values and leaves one token unrotated for over 90 days", () => {
    const { tokens } = parse(readFileSync(join(SAMPLE, "tokens.yaml"), "utf8")) as {
      tokens: { agent: string; token: string; created_at: string }[];
    };
    const latest = new Map<string, string>();
    for (const r of records) {
      if (r.event === "token.issued" || r.event === "token.rotated")
        latest.set(String(r.agent), String(r.fingerprint));
    }
    for (const t of tokens) {
      expect(t.token).toMatch(/^iddio_[0-9a-f]{32}$/);
      expect(latest.get(t.agent)).toBe(`sha256:${createHash("sha256").update(t.token).digest("hex")}`);
    }
    const end = Date.parse("2026-04-01T00:00:00Z");
    const stale = tokens.filter(
      (t) =>
        end - Date.parse(t.created_at) > 90 * 86_400_000 &&
        !kind("token.rotated").some((r) => r.agent === t.agent),
    );
    expect(stale).toHaveLength(1);
    expect(kind("token.revoked")).toHaveLength(1);
  });

  it("records every policy change with the SHA-256 of its snapshot and ends on policy.yaml", () => {
    const changes = kind("policy.changed");
    expect(changes.length).toBeGreaterThanOrEqual(5);
    for (const c of changes) {
      expect(c.sha256).toBe(createHash("sha256").update(goMarshalValue(c.snapshot)).digest("hex"));
      expect(typeof c.actor).toBe("string");
    }
    const inPeriod = changes.filter((c) => String(c.timestamp) >= "2026-01-01");
    expect(inPeriod.length).toBeGreaterThanOrEqual(4);
    const policy = parse(readFileSync(join(SAMPLE, "policy.yaml"), "utf8")) as Rec;
    expect(policy).toEqual(changes[changes.length - 1]?.snapshot);
  });

  it("lists session recordings by size and SHA-256, with exactly one file missing", () => {
    const listed = kind("session.recorded");
    expect(new Set(listed.map((r) => r.type))).toEqual(new Set(["exec", "api"]));
    const missing: string[] = [];
    for (const r of listed) {
      const path = join(
        SAMPLE,
        "recordings",
        String(r.type),
        `${r.session_id}${r.type === "exec" ? ".cast" : ".jsonl"}`,
      );
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch {
        missing.push(String(r.session_id));
        continue;
      }
      expect(bytes.length).toBe(r.bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(r.sha256);
    }
    expect(missing).toHaveLength(1);
    expect(listFiles(SAMPLE).filter((f) => f.startsWith("recordings/"))).toHaveLength(listed.length - 1);
  });

  it("has an unknown record kind, a proxy restart, JIT credentials and a silent gap of at least two days", () => {
    const known = new Set([
      "agent.created",
      "agent.removed",
      "token.issued",
      "token.rotated",
      "token.revoked",
      "cert.issued",
      "cert.renewed",
      "cert.revoked",
      "jit.issued",
      "policy.changed",
      "session.recorded",
      "proxy.started",
      "proxy.stopped",
    ]);
    const unknown = records.filter((r) => r.event !== undefined && !known.has(String(r.event)));
    expect(unknown.map((r) => r.event)).toEqual(["quota.exceeded"]);
    expect(kind("proxy.stopped")).toHaveLength(1);
    expect(kind("proxy.started")).toHaveLength(2);
    expect(new Set(kind("jit.issued").map((r) => `${r.kind}/${r.ttl_s}`))).toEqual(
      new Set(["k8s-token/300", "ssh-cert/300"]),
    );
    const times = records.map((r) => Date.parse(String(r.timestamp)));
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(2 * 86_400_000);
    expect(gaps.every((g) => g >= 0)).toBe(true);
  });
});
