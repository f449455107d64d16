import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileSink } from "./file-sink.ts";
import { writeJsonDocument } from "./json-writer.ts";
import { Spool } from "./spool.ts";

async function written(document: (dir: string) => unknown): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "json-writer-"));
  const sink = new FileSink(join(dir, "out.json"));
  await writeJsonDocument(sink, document(dir));
  sink.close();
  return readFileSync(join(dir, "out.json"), "utf8");
}

function spoolOf<T>(dir: string, name: string, items: T[]): Spool<T> {
  const spool = new Spool<T>(join(dir, name));
  for (const item of items) spool.push(item);
  return spool;
}

describe("writeJsonDocument", () => {
  it("writes spooled lists exactly as JSON.stringify would write the same arrays", async () => {
    // Many short lines (deep nesting) grow past twice their stored size when indented.
    const deep = Array.from({ length: 3000 }, (_, i) => ({ n: i, xs: [[[1, 2, [3]]], { y: 'é\n\u001e"' }] }));
    const flat = Array.from({ length: 20000 }, (_, i) => ({
      agent: `agent-${i}`,
      line: i,
      note: "ünïcode ✓",
    }));
    const tiny = Array.from({ length: 5000 }, (_, i) => [[i % 2], []]);
    const expected = {
      a: { items: deep, empty: [], one: [{ only: true }] },
      b: [{ nested: { items: flat } }],
      c: { d: { e: { f: { g: { items: tiny } } } } },
    };
    const text = await written((dir) => ({
      a: {
        items: spoolOf(dir, "deep", deep),
        empty: spoolOf(dir, "empty", []),
        one: spoolOf(dir, "one", [{ only: true }]),
      },
      b: [{ nested: { items: spoolOf(dir, "flat", flat) } }],
      c: { d: { e: { f: { g: { items: spoolOf(dir, "tiny", tiny) } } } } },
    }));
    expect(text).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it("reads spooled items back as the objects pushed, across read chunks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spool-"));
    const items = Array.from({ length: 50000 }, (_, i) => ({
      i,
      text: `line ${i}\nwith a break`,
      tier: i % 5,
    }));
    const spool = spoolOf(dir, "items", items);
    const back: unknown[] = [];
    for await (const item of spool.items()) back.push(item);
    expect(back).toEqual(items);
    expect(spool.total).toBe(items.length);
  });
});
