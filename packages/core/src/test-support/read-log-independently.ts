import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/**
 * Reads every record of an iddio home's audit log with nothing but `gunzip` and `JSON.parse`, in
 * timestamp order: the independent reading that mapper tests compute their expectations from.
 */
export function readLogIndependently(home: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const name of readdirSync(home)) {
    if (!/^audit.*\.jsonl(\.gz)?$/.test(name)) continue;
    const raw = readFileSync(join(home, name));
    const text = (name.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
    for (const line of text.split("\n"))
      if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
  }
  return records.sort((a, b) => Date.parse(a.timestamp as string) - Date.parse(b.timestamp as string));
}
