import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  command,
  writeChain,
  writeRawChain,
} from "../../../../packages/core/src/test-support/write-chain.ts";
import { exportArgs, runCli } from "../test-support/run-cli.ts";
import { sanitizeTerminal } from "./sanitize.ts";

const FORGED = "\nverified: 60 events in 1 file(s), anchored at genesis, head 0000";

/** Lines of output that start like the CLI's own verdicts. */
const verdictLines = (text: string) =>
  text.split("\n").filter((l) => /^(verified|NOT VERIFIED|intact)/.test(l));

describe("untrusted text on the terminal", () => {
  it("escapes a newline in a prev_hash, so verify prints no forged verdict under NOT VERIFIED", async () => {
    const home = writeChain([command({}), command({ timestamp: "2026-02-01T10:01:00Z" })]);
    // Re-chain the second line with a prev_hash holding a newline and a forged verdict.
    const lines = readFileSync(join(home, "audit.jsonl"), "utf8").split("\n");
    const second = JSON.parse(lines[1] as string) as Record<string, unknown>;
    const prev = JSON.stringify(`x${FORGED}\u001b[32m`);
    const body = (lines[1] as string).replace(/,"hash":.*$/, "");
    const hash = createHash("sha256").update(`${body},"hash":"","prev_hash":${prev}}`).digest("hex");
    lines[1] = `${body},"hash":"${hash}","prev_hash":${prev}}`;
    expect(second.agent).toBe("claude-code");
    writeFileSync(join(home, "audit.jsonl"), lines.join("\n"));

    const r = await runCli(["verify", "--source", home]);
    expect(r.code).toBe(1);
    expect(verdictLines(r.stdout)).toEqual(["NOT VERIFIED: 2 events in 1 file(s)"]);
    expect(r.stdout).toContain("found x\\nverified: 60 events");
    expect(r.stdout).toContain("\\x1b[32m");
    expect(r.stdout).not.toContain("\u001b");
  });

  it("escapes a newline in an unknown record kind in the export summary", async () => {
    const home = writeRawChain([
      `{"event":${JSON.stringify(`evil${FORGED}`)},"timestamp":"2026-02-01T10:02:00Z"`,
      '{"timestamp":"2026-02-01T10:03:00Z","agent":"a","method":"GET","path":"/","tier":0,"decision":"allow"',
    ]);
    const r = await runCli(exportArgs(home, join(mkdtempSync(join(tmpdir(), "cli-")), "evidence")));
    expect(r.code).toBe(0);
    const unrecognised = r.stdout.split("\n").filter((l) => l.includes("Unrecognised records"));
    expect(unrecognised).toEqual([
      "  Unrecognised records: evil\\nverified: 60 events in 1 file(s), anchored at genesis, head 0000 ×1",
    ]);
    expect(verdictLines(r.stdout)).toEqual([]);
  });

  it("escapes a newline in an agent folder name in the error that names it", async () => {
    const home = writeChain([command({})]);
    const folder = join(home, "agents", `bot${FORGED}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "agent.crt"), "not a certificate");
    const r = await runCli(exportArgs(home, join(mkdtempSync(join(tmpdir(), "cli-")), "evidence")));
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("agents/bot\\nverified: 60 events");
  });

  it("escapes a newline in a file name that verify-package reports as unlisted", async () => {
    const home = writeChain([command({})]);
    const out = join(mkdtempSync(join(tmpdir(), "cli-")), "evidence");
    expect((await runCli(exportArgs(home, out))).code).toBe(0);
    writeFileSync(join(out, `x${FORGED.replace("verified", "intact")}`), "");
    const r = await runCli(["verify-package", out]);
    expect(r.code).toBe(1);
    expect(verdictLines(r.stdout)).toEqual([]);
    expect(r.stdout).toContain("x\\nintact: 60 events");
  });

  it("shows every control character but tab, and every reordering mark, as an escape, and leaves other text alone", () => {
    for (let code = 0; code < 0xa0; code++) {
      const char = String.fromCharCode(code);
      const shown = sanitizeTerminal(`a${char}b`);
      if ((code >= 0x20 && code < 0x7f) || char === "\t") expect(shown).toBe(`a${char}b`);
      else expect(shown, `U+${code.toString(16)}`).toMatch(/^a\\(x[0-9a-f]{2}|[nr])b$/);
    }
    for (const mark of ["\u202e", "\u2066", "\u2069", "\u200f", "\u2028", "\u2029", "\ufeff"])
      expect(sanitizeTerminal(mark)).toBe(`\\u${mark.charCodeAt(0).toString(16).padStart(4, "0")}`);
    expect(sanitizeTerminal("ops <bot> & co — agent-é日本🚀 👨‍👩‍👧")).toBe(
      "ops <bot> & co — agent-é日本🚀 👨‍👩‍👧",
    );
  });
});
