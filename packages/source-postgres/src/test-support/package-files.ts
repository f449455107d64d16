import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every file of an evidence package as text, by name. */
export function packageFiles(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), "utf8")]),
  );
}
