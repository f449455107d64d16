import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateHome } from "./generate-home.ts";
import { type TamperKind, tamperContent, tamperLog } from "./tamper.ts";
import { chainOrder, readAuditFiles, verifyFiles } from "./test-support/chain.ts";

let scratch = "";
/** A one-file log (no rotation), so line numbers are chain positions. */
let single = "";
/** A rotated home, to tamper with a gzipped file inside a chain. */
let rotated = "";

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "iddio-tamper-"));
  single = join(scratch, "single");
  rotated = join(scratch, "rotated");
  await generateHome({
    seed: "tamper",
    from: "2026-01-05",
    to: "2026-01-20",
    events: 400,
    agents: 5,
    outDir: single,
  });
  await generateHome({
    seed: "tamper",
    from: "2026-01-05",
    to: "2026-01-20",
    events: 400,
    agents: 5,
    outDir: rotated,
    rotateEvents: 150,
  });
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const verify = (name: string, text: string) =>
  verifyFiles([{ name, text }]).map(({ kind, line }) => ({ kind, line }));

describe("tamperLog", () => {
  const cases: readonly [TamperKind, number, string][] = [
    ["edit", 120, "hash_mismatch at the edited line"],
    ["delete", 120, "link_break at the line that took the deleted line's place"],
    ["insert", 120, "link_break two lines after the one the forged line follows"],
    ["reorder", 120, "link_break at the first of the swapped lines"],
    ["truncate", 0, "truncated_tail at the cut last line"],
    ["garbage", 120, "malformed at the inserted line"],
  ];
  for (const [kind, line, outcome] of cases) {
    it(`reports ${outcome} after "${kind}"`, async () => {
      const output = join(scratch, `${kind}.jsonl`);
      const result = await tamperLog(join(single, "audit.jsonl"), output, kind, { line });
      const findings = verify("audit.jsonl", readFileSync(output, "utf8"));
      expect(findings[0]).toEqual(result.expected);
      expect(findings).toEqual(result.findings);
    });
  }

  it("forges an inserted line whose own hash is valid, so only the link after it breaks", () => {
    const text = readFileSync(join(single, "audit.jsonl"), "utf8");
    const result = tamperContent(text, "insert", { line: 10 });
    const findings = verify("audit.jsonl", result.content);
    expect(findings).toEqual([{ kind: "link_break", line: 12 }]);
    expect(result.content.split("\n")[10]).toContain("-forged");
  });

  it("edits the field it is asked to, in Go's encoding", () => {
    const text = readFileSync(join(single, "audit.jsonl"), "utf8");
    const line = text.split("\n").findIndex((l) => l.includes('"decision":"deny"')) + 1;
    const result = tamperContent(text, "edit", { line, field: "decision", value: "allow" });
    expect(result.content.split("\n")[line - 1]).toContain('"decision":"allow"');
    expect(verify("audit.jsonl", result.content)).toEqual([{ kind: "hash_mismatch", line }]);
  });

  it("tampers with a gzipped rotated file and the chain verifier pins the finding to that file", async () => {
    const files = chainOrder(readAuditFiles(rotated));
    const victim = files[1]?.name ?? "";
    expect(victim).toMatch(/\.jsonl\.gz$/);
    const output = join(scratch, victim);
    const result = await tamperLog(join(rotated, victim), output, "edit", { line: 7 });
    const tampered = files.map((f) =>
      f.name === victim ? { name: f.name, text: gunzipSync(readFileSync(output)).toString("utf8") } : f,
    );
    expect(verifyFiles(tampered).map(({ kind, file, line }) => ({ kind, file, line }))).toEqual([
      { kind: "hash_mismatch", file: victim, line: result.expected.line },
    ]);
  });

  it("calls a cut last line of a rotated file malformed, not a truncated tail", () => {
    const text = readFileSync(join(single, "audit.jsonl"), "utf8");
    expect(tamperContent(text, "truncate", { newest: false }).expected.kind).toBe("malformed");
    const cut = tamperContent(text, "truncate").content;
    expect(cut.endsWith("\n")).toBe(false);
    expect(cut.split("\n")).toHaveLength(text.split("\n").length - 1);
  });

  it("refuses tampering that no verifier could detect, with a clear message", () => {
    const text = readFileSync(join(single, "audit.jsonl"), "utf8");
    const count = text.split("\n").length - 1;
    expect(() => tamperContent(text, "delete", { line: 1 })).toThrow(/2 <= line/);
    expect(() => tamperContent(text, "insert", { line: count })).toThrow(/indistinguishable/);
    expect(() => tamperContent(text, "edit", { line: 3, field: "hash" })).toThrow(/edit changes content/);
    expect(() => tamperContent("{}", "edit")).toThrow(/end with a newline/);
  });
});
