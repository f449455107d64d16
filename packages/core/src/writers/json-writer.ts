import type { FileSink } from "./file-sink.ts";
import { ITEM_END_BYTE, isSpool } from "./spool.ts";

/** Where JSON is written: a {@link FileSink}, or a filter in front of one. */
export type JsonSink = Pick<FileSink, "write" | "writeBytes">;

/**
 * Writes an evidence document as pretty JSON (two-space indent, keys in the order the mapper
 * built them, so output is deterministic), streaming {@link Spool} lists item by item.
 */
export async function writeJsonDocument(sink: JsonSink, document: unknown): Promise<void> {
  await writeValue(sink, document, "");
  await sink.write("\n");
}

async function writeValue(sink: JsonSink, value: unknown, indent: string): Promise<void> {
  if (isSpool(value)) {
    // Items are stored as pretty JSON: indent them and put commas between them, in bytes.
    const inner = Buffer.from(`${indent}  `);
    let first = true;
    let out = Buffer.allocUnsafe(0); // reused: fresh memory for every chunk costs more than the work
    for await (const chunk of value.chunks()) {
      const room = 2 * chunk.length + 64 * (inner.length + 2);
      if (out.length < room) out = Buffer.allocUnsafe(room);
      sink.writeBytes(indentItems(chunk, inner, first, out));
      first = false;
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

/**
 * Lays out spooled items (pretty JSON at the left margin, each ending in {@link ITEM_END_BYTE}) as
 * array elements at `inner`: `[` before the first of the list, a comma between items, every line
 * indented. The last item's terminator is dropped.
 */
function indentItems(chunk: Buffer, inner: Buffer, first: boolean, out: Buffer): Buffer {
  let o = 0;
  const room = out.length - inner.length - 2;
  out[o++] = first ? 0x5b : 0x2c; // `[` or `,`, then a new line at the item's indent
  out[o++] = 0x0a;
  o += inner.copy(out, o);
  // Byte by byte: far cheaper than a Buffer.copy per line.
  const n = chunk.length;
  for (let i = 0; i < n; i++) {
    if (o > room) return growAndRetry(chunk, inner, first, out);
    const c = chunk[i] as number;
    if (c === 0x0a) {
      out[o++] = 0x0a;
      for (let k = 0; k < inner.length; k++) out[o++] = inner[k] as number;
    } else if (c === ITEM_END_BYTE) {
      if (i + 1 < n) {
        out[o++] = 0x2c;
        out[o++] = 0x0a;
        for (let k = 0; k < inner.length; k++) out[o++] = inner[k] as number;
      }
    } else out[o++] = c;
  }
  return out.subarray(0, o);
}

/** Deeply nested items can outgrow the buffer (an indent per line): size it exactly, once. */
function growAndRetry(chunk: Buffer, inner: Buffer, first: boolean, out: Buffer): Buffer {
  let breaks = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a || chunk[i] === ITEM_END_BYTE) breaks++;
  const exact = chunk.length + (breaks + 2) * (inner.length + 2);
  return indentItems(chunk, inner, first, Buffer.allocUnsafe(Math.max(exact, out.length * 2)));
}
