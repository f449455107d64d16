import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rebuildLine, type StoredRow } from "./rebuild-line.ts";

// Written by real Go (encoding/json): packages/core/src/chain/fixtures/go/main.go.
const GO_CHAIN = new URL("../../../core/src/chain/fixtures/go/chain.jsonl", import.meta.url);
const ENVELOPE = new Set(["event", "timestamp", "hash", "prev_hash"]);

/** Splits a stored line into what column mode keeps: command fields in columns, or a lifecycle kind plus its details. */
function asRow(line: string): StoredRow {
  const record = JSON.parse(line) as Record<string, unknown>;
  if (typeof record.event !== "string") return { fields: record, event: null, details: null };
  const details = Object.fromEntries(Object.entries(record).filter(([k]) => !ENVELOPE.has(k)));
  return {
    fields: { timestamp: record.timestamp, hash: record.hash, prev_hash: record.prev_hash },
    event: record.event,
    details,
  };
}

describe("rebuildLine", () => {
  const lines = readFileSync(GO_CHAIN, "utf8").trimEnd().split("\n");

  it("rebuilds every line Go wrote from its columns byte for byte, except invalid UTF-8 that Go escaped", () => {
    const differing = lines
      .map((line, i) => (rebuildLine(asRow(line)) === line ? null : i + 1))
      .filter((n) => n !== null);
    // Line 22 holds bytes that were not UTF-8: Go wrote each as the text \ufffd, which parses to the
    // same string as a real U+FFFD; no column can tell them apart, so only raw mode verifies it.
    expect(differing).toEqual([22]);
  });

  it("keeps a lifecycle field the kind does not declare, after the declared ones and before hash", () => {
    const line = rebuildLine({
      fields: { timestamp: "2026-01-01T00:00:00Z", hash: "h", prev_hash: "p" },
      event: "token.issued",
      details: { note: "x", fingerprint: "sha256:ab", agent: "a" },
    });
    expect(line).toBe(
      '{"event":"token.issued","timestamp":"2026-01-01T00:00:00Z","agent":"a","fingerprint":"sha256:ab","note":"x","hash":"h","prev_hash":"p"}',
    );
  });

  it("writes an unknown kind's fields in stored order", () => {
    const line = rebuildLine({
      fields: { timestamp: "t", hash: "h", prev_hash: "p" },
      event: "quota.exceeded",
      details: { agent: "a", limit: 600, window: "1m" },
    });
    expect(line).toBe(
      '{"event":"quota.exceeded","timestamp":"t","agent":"a","limit":600,"window":"1m","hash":"h","prev_hash":"p"}',
    );
  });

  it("leaves unset command fields out, keeps a zero exit code and escapes as Go does", () => {
    const line = rebuildLine({
      fields: {
        timestamp: "t",
        agent: "a<b>",
        method: "GET",
        path: "/&",
        namespace: null,
        tier: 0,
        decision: "allow",
        latency_us: 5,
        exit_code: 0,
        hash: "",
        prev_hash: "genesis",
      },
      event: null,
      details: null,
    });
    expect(line).toBe(
      '{"timestamp":"t","agent":"a\\u003cb\\u003e","method":"GET","path":"/\\u0026","tier":0,"decision":"allow","latency_us":5,"exit_code":0,"hash":"","prev_hash":"genesis"}',
    );
  });

  it("falls back to plain JSON, which fails the hash check, for a value Go could not have written", () => {
    const line = rebuildLine({
      fields: { timestamp: "t", hash: "h", prev_hash: "p" },
      event: "jit.issued",
      details: { agent: "a", ttl_s: 1.5 },
    });
    expect(JSON.parse(line)).toEqual({
      event: "jit.issued",
      timestamp: "t",
      agent: "a",
      ttl_s: 1.5,
      hash: "h",
      prev_hash: "p",
    });
  });
});
