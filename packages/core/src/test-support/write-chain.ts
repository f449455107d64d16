import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMMAND_EVENT_FIELDS, goMarshalStruct, lifecycleFields } from "@iddio-compliance/schema";

/** Writes records as a hash-chained `audit.jsonl` in a new temporary iddio home; returns the home. */
export function writeChain(records: Record<string, unknown>[]): string {
  const home = mkdtempSync(join(tmpdir(), "iddio-home-"));
  let prev = "genesis";
  const lines: string[] = [];
  for (const record of records) {
    const fields = typeof record.event === "string" ? lifecycleFields(record.event) : COMMAND_EVENT_FIELDS;
    const blank = goMarshalStruct({ ...record, hash: "", prev_hash: prev }, fields);
    const hash = createHash("sha256").update(blank).digest("hex");
    lines.push(goMarshalStruct({ ...record, hash, prev_hash: prev }, fields));
    prev = hash;
  }
  writeFileSync(join(home, "audit.jsonl"), `${lines.join("\n")}\n`);
  return home;
}

/** A command event with sensible defaults. */
export function command(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    timestamp: "2026-02-01T10:00:00Z",
    agent: "claude-code",
    method: "GET",
    path: "/api/v1/pods",
    namespace: "default",
    resource: "pods",
    tier: 0,
    decision: "allow",
    latency_us: 100,
    ...fields,
  };
}

/**
 * Writes lines (each an object's text without its closing brace) as a hash chain: `hash` and
 * `prev_hash` are appended and the hash is computed over the bytes, whatever they hold. A line
 * given as `[body, between]` puts `between` instead of a comma between the two members.
 */
export function writeRawChain(lines: (string | [string, string])[]): string {
  const home = mkdtempSync(join(tmpdir(), "iddio-home-"));
  let prev = "genesis";
  const out = lines.map((line) => {
    const [body, between] = typeof line === "string" ? [line, ","] : line;
    const hash = createHash("sha256")
      .update(`${body},"hash":""${between}"prev_hash":"${prev}"}`)
      .digest("hex");
    const text = `${body},"hash":"${hash}"${between}"prev_hash":"${prev}"}`;
    prev = hash;
    return text;
  });
  writeFileSync(join(home, "audit.jsonl"), `${out.join("\n")}\n`);
  return home;
}
