import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type GenerateOptions, generateHome } from "@iddio-compliance/simulator";

/** A generated iddio home and its audit lines in chain order. */
export interface SimulatedOrg {
  /** The temporary folder holding everything below; remove it when done. */
  root: string;
  /** The iddio home (policy, tokens, certificates, recordings). */
  home: string;
  /** Every audit line in chain order, without newlines. */
  lines: string[];
  /** One uncompressed JSONL file holding exactly {@link lines}. */
  jsonl: string;
}

/** Generates a home with the simulator and reads its rotated log back in chain order. */
export async function simulateOrg(options: Omit<GenerateOptions, "outDir">): Promise<SimulatedOrg> {
  const root = mkdtempSync(join(tmpdir(), "iddio-pg-sim-"));
  const home = join(root, "home");
  const result = await generateHome({ ...options, outDir: home });
  const lines: string[] = [];
  for (const file of result.logFiles) {
    const raw = readFileSync(join(home, file));
    const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
    lines.push(...text.split("\n").filter((l) => l.length > 0));
  }
  const jsonl = join(root, "single", "audit.jsonl");
  mkdirSync(join(root, "single"));
  writeFileSync(jsonl, `${lines.join("\n")}\n`);
  return { root, home, lines, jsonl };
}
