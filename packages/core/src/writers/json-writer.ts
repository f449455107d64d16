import type { FileSink } from "./file-sink.ts";
import { isSpool } from "./spool.ts";

/**
 * Writes an evidence document as pretty JSON (two-space indent, keys in the order the mapper
 * built them, so output is deterministic), streaming {@link Spool} lists item by item.
 */
export async function writeJsonDocument(sink: FileSink, document: unknown): Promise<void> {
  await writeValue(sink, document, "");
  await sink.write("\n");
}

async function writeValue(sink: FileSink, value: unknown, indent: string): Promise<void> {
  if (isSpool(value)) {
    const inner = `${indent}  `;
    let first = true;
    for await (const batch of value.batches()) {
      // One write per batch: the items of a spool can number in the hundreds of thousands.
      let text = "";
      for (const item of batch) {
        text += first ? `[\n${inner}` : `,\n${inner}`;
        first = false;
        text += JSON.stringify(item, null, 2).replaceAll("\n", `\n${inner}`);
      }
      await sink.write(text);
    }
    await sink.write(first ? "[]" : `\n${indent}]`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return void (await sink.write("[]"));
    const inner = `${indent}  `;
    await sink.write("[");
    for (let i = 0; i < value.length; i++) {
      await sink.write(i === 0 ? `\n${inner}` : `,\n${inner}`);
      await writeValue(sink, value[i], inner);
    }
    await sink.write(`\n${indent}]`);
    return;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return void (await sink.write("{}"));
    const inner = `${indent}  `;
    await sink.write("{");
    for (let i = 0; i < entries.length; i++) {
      const [key, v] = entries[i] as [string, unknown];
      await sink.write(`${i === 0 ? "\n" : ",\n"}${inner}${JSON.stringify(key)}: `);
      await writeValue(sink, v, inner);
    }
    await sink.write(`\n${indent}}`);
    return;
  }
  await sink.write(JSON.stringify(value) ?? "null");
}
