import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type GoField, goMarshalStruct } from "./go-json.ts";
import { COMMAND_EVENT_FIELDS, lifecycleFields, withOmittedHash } from "./struct-order.ts";

// The fixtures are written by real Go (`encoding/json`), never by this package:
// packages/core/src/chain/fixtures/go/main.go, see the README beside it.
const FIXTURES = new URL("../../../core/src/chain/fixtures/go/", import.meta.url);

const read = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));

/** Splits a JSONL buffer into its lines as they were written (UTF-8 text, no "\n"). */
function lines(data: Buffer): string[] {
  const text = data.toString("utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}

type Parsed = Record<string, unknown>;

function fieldsOf(record: Parsed): readonly GoField[] {
  return typeof record.event === "string" ? lifecycleFields(record.event) : COMMAND_EVENT_FIELDS;
}

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** Go's line with the stored hash value replaced by "" (a writer whose `hash` tag has no omitempty). */
function blanked(line: string, hash: string): string {
  const member = `"hash":"${hash}"`;
  expect(line.split(member)).toHaveLength(2);
  return line.replace(member, '"hash":""');
}

/** Go's line with the `"hash":"…",` member removed (a writer whose `hash` tag has omitempty). */
function withoutHash(line: string, hash: string): string {
  const member = `"hash":"${hash}",`;
  expect(line.split(member)).toHaveLength(2);
  return line.replace(member, "");
}

/**
 * Lines (1-based, chain.jsonl numbering) that no encoder working from parsed values can rebuild:
 * they stay `it.fails`, and the verifier hashes stored bytes for exactly this reason.
 */
const KNOWN_DISAGREEMENTS: Readonly<Record<number, string>> = {
  22: "Go writes invalid UTF-8 bytes as the escape \\ufffd, but JSON.parse yields U+FFFD which we write raw",
};

const chainLines = lines(read("chain.jsonl"));
const omitLines = lines(read("chain-omit.jsonl"));

describe("the Go-written chain.jsonl", () => {
  it("holds about sixty lines, command events and lifecycle records mixed", () => {
    expect(chainLines.length).toBeGreaterThanOrEqual(55);
    const parsed = chainLines.map((l) => JSON.parse(l) as Parsed);
    expect(parsed.filter((p) => typeof p.event === "string").length).toBeGreaterThanOrEqual(8);
    expect(new Set(parsed.map((p) => p.protocol ?? "kubernetes"))).toEqual(
      new Set(["kubernetes", "ssh", "terraform", "helm", "aws", "mcp"]),
    );
    expect(new Set(parsed.filter((p) => p.event === undefined).map((p) => p.tier))).toEqual(
      new Set([0, 1, 2, 3, 4]),
    );
  });

  for (const [index, line] of chainLines.entries()) {
    const n = index + 1;
    const reason = KNOWN_DISAGREEMENTS[n];
    const name = `line ${n} re-encodes with our Go-compatible encoder to exactly Go's bytes`;
    const body = () => {
      const parsed = JSON.parse(line) as Parsed;
      expect(goMarshalStruct(parsed, fieldsOf(parsed))).toBe(line);
    };
    if (reason === undefined) it(name, body);
    else it.fails(`${name} (known disagreement: ${reason})`, body);
  }

  it("stores on every line the SHA-256 of Go's line with the hash value blanked to an empty string", () => {
    for (const line of chainLines) {
      const { hash } = JSON.parse(line) as { hash: string };
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(sha256(blanked(line, hash))).toBe(hash);
    }
  });

  it("links every line to the previous line's hash, starting from genesis", () => {
    let prev = "genesis";
    for (const line of chainLines) {
      const record = JSON.parse(line) as { hash: string; prev_hash: string };
      expect(record.prev_hash).toBe(prev);
      prev = record.hash;
    }
  });
});

describe("the Go-written chain-omit.jsonl (hash tagged omitempty)", () => {
  it("holds the same events as chain.jsonl with different hashes", () => {
    expect(omitLines).toHaveLength(chainLines.length);
    const strip = (l: string) => {
      const { hash: _h, prev_hash: _p, ...rest } = JSON.parse(l) as Parsed;
      return rest;
    };
    expect(omitLines.map(strip)).toEqual(chainLines.map(strip));
    expect(omitLines[0]).not.toBe(chainLines[0]);
  });

  it("stores on every line the SHA-256 of Go's line with the hash member removed", () => {
    let prev = "genesis";
    for (const line of omitLines) {
      const record = JSON.parse(line) as { hash: string; prev_hash: string };
      expect(sha256(withoutHash(line, record.hash))).toBe(record.hash);
      expect(sha256(blanked(line, record.hash))).not.toBe(record.hash);
      expect(record.prev_hash).toBe(prev);
      prev = record.hash;
    }
  });

  for (const [index, line] of omitLines.entries()) {
    const n = index + 1;
    const reason = KNOWN_DISAGREEMENTS[n];
    const name = `line ${n} without its hash re-encodes with the omitempty-hash struct to exactly the hashed bytes`;
    const body = () => {
      const parsed = JSON.parse(line) as Parsed;
      const hashed = withoutHash(line, parsed.hash as string);
      expect(goMarshalStruct({ ...parsed, hash: "" }, withOmittedHash(fieldsOf(parsed)))).toBe(hashed);
    };
    if (reason === undefined) it(name, body);
    else it.fails(`${name} (known disagreement: ${reason})`, body);
  }
});

describe("the Go-written rotated set", () => {
  const dir = new URL("rotated/", FIXTURES);
  const files = readdirSync(dir).sort();
  const content = (name: string): Buffer => {
    const raw = readFileSync(new URL(name, dir));
    return name.endsWith(".gz") ? gunzipSync(raw) : raw;
  };
  const byFile = new Map(files.map((f) => [f, lines(content(f))] as const));

  /** Orders the files by following the chain from genesis, never by name. */
  function chainOrder(): string[] {
    const order: string[] = [];
    let prev = "genesis";
    while (order.length < files.length) {
      const next = files.find((f) => {
        const first = JSON.parse(byFile.get(f)?.[0] ?? "{}") as { prev_hash?: string };
        return !order.includes(f) && first.prev_hash === prev;
      });
      expect(next).toBeDefined();
      order.push(next as string);
      const last = byFile.get(next as string)?.at(-1) ?? "{}";
      prev = (JSON.parse(last) as { hash: string }).hash;
    }
    return order;
  }

  it("is three files whose name order is not their chain order", () => {
    expect(files).toEqual(["audit-1.jsonl.gz", "audit-2.jsonl.gz", "audit.jsonl"]);
    expect(chainOrder()).toEqual(["audit-2.jsonl.gz", "audit-1.jsonl.gz", "audit.jsonl"]);
  });

  it("continues the chain across files: concatenated in chain order they are chain.jsonl", () => {
    const joined = chainOrder().flatMap((f) => byFile.get(f) ?? []);
    expect(joined).toEqual(chainLines);
  });

  it("re-encodes every gunzipped and live line to Go's bytes, apart from the known disagreements", () => {
    const joined = chainOrder().flatMap((f) => byFile.get(f) ?? []);
    for (const [index, line] of joined.entries()) {
      const parsed = JSON.parse(line) as Parsed;
      const ours = goMarshalStruct(parsed, fieldsOf(parsed));
      if (KNOWN_DISAGREEMENTS[index + 1] === undefined) expect(ours).toBe(line);
      else expect(ours).not.toBe(line);
      expect(sha256(blanked(line, parsed.hash as string))).toBe(parsed.hash);
    }
  });
});

describe("what Go's encoding/json actually wrote (facts the encoder must match)", () => {
  it("escapes each invalid UTF-8 byte as \\ufffd but writes a valid U+FFFD as raw UTF-8", () => {
    const invalid = chainLines[21] ?? "";
    expect(invalid).toContain('"path":"grep -a \\ufffd\\ufffd /var/log/app.log"');
    expect(invalid).toContain("echo \\ufffd\\ufffd\\ufffd"); // a UTF-8-encoded surrogate: three bad bytes
    const valid = chainLines[22] ?? "";
    expect(valid).toContain('"path":"echo \uFFFD replacement char"');
    // After JSON.parse both are the same string, so no encoder can tell them apart from a parsed value.
    expect((JSON.parse(invalid) as Parsed).path).toBe("grep -a \uFFFD\uFFFD /var/log/app.log");
  });

  it("keeps exit_code 0 from a *int field tagged omitempty", () => {
    expect(chainLines[23]).toContain('"exit_code":0,');
  });

  it("escapes <, >, &, U+2028, U+2029 and control characters, and leaves DEL and non-ASCII raw", () => {
    const all = chainLines.join("\n");
    for (const raw of ["<", ">", "&", "\u2028", "\u2029", "\u0001", "\u001f", "\t"])
      expect(all).not.toContain(raw);
    for (const esc of [
      "\\u003c",
      "\\u003e",
      "\\u0026",
      "\\u2028",
      "\\u2029",
      "\\u0001",
      "\\u001f",
      "\\n",
      "\\t",
    ]) {
      expect(all).toContain(esc);
    }
    for (const raw of ["\u007f", "é", "日本", "🚀"]) expect(all).toContain(raw);
  });

  it("sorts map keys by UTF-8 bytes, so U+FF01 comes before an emoji although UTF-16 order is the reverse", () => {
    const policy = chainLines.find((l) => l.startsWith('{"event":"policy.changed"')) ?? "";
    expect(policy.indexOf('"！"')).toBeGreaterThan(0);
    expect(policy.indexOf('"！"')).toBeLessThan(policy.indexOf('"😀"'));
  });
});

describe("expected.json beside the fixtures", () => {
  const expected = JSON.parse(read("expected.json").toString("utf8")) as Record<
    string,
    { kind: string; line: number }[]
  >;

  it("names only files that exist and only lines inside them", () => {
    for (const [name, findings] of Object.entries(expected)) {
      expect(existsSync(new URL(name, FIXTURES))).toBe(true);
      const count = read(name)
        .toString("utf8")
        .split("\n")
        .filter((l) => l !== "").length;
      for (const f of findings) {
        expect(f.line).toBeGreaterThanOrEqual(1);
        expect(f.line).toBeLessThanOrEqual(count);
      }
    }
  });
});
