// `pnpm bench:hash`: which SHA-256 to use for per-line chain hashing. Hashes the same 200,000
// audit-log lines (~440 bytes each) with @noble/hashes and with node:crypto (createHash and the
// one-shot crypto.hash), and prints the median of 5 runs. The verifier's choice is in
// packages/core/src/chain/sha256.ts.
import { createHash, hash as oneShot } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

const home = fileURLToPath(new URL("../examples/iddio-home/", import.meta.url));
const lines: Buffer[] = [];
for (const name of readdirSync(home).filter((n) => n.startsWith("audit"))) {
  const raw = readFileSync(join(home, name));
  const text = name.endsWith(".gz") ? gunzipSync(raw) : raw;
  let start = 0;
  for (let nl = text.indexOf(10); nl !== -1; nl = text.indexOf(10, start)) {
    lines.push(text.subarray(start, nl));
    start = nl + 1;
  }
}
while (lines.length < 200_000) lines.push(...lines.slice(0, 200_000 - lines.length));
const bytes = lines.reduce((s, l) => s + l.length, 0);

const candidates: Record<string, (line: Buffer) => string> = {
  "@noble/hashes sha256": (line) => bytesToHex(sha256(line)),
  "node:crypto createHash": (line) => createHash("sha256").update(line).digest("hex"),
  "node:crypto hash() one-shot": (line) => oneShot("sha256", line, "hex"),
};

console.log(
  `${lines.length.toLocaleString("en-US")} lines, ${(bytes / 1e6).toFixed(1)} MB, median of 5 runs\n`,
);
for (const [name, fn] of Object.entries(candidates)) {
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const t = process.hrtime.bigint();
    for (const line of lines) fn(line);
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  const median = times.sort((a, b) => a - b)[2] as number;
  console.log(
    `${name.padEnd(30)} ${(median * 1000).toFixed(0).padStart(6)} ms  ${Math.round(lines.length / median)
      .toLocaleString("en-US")
      .padStart(10)} lines/s  ${(bytes / 1e6 / median).toFixed(0).padStart(5)} MB/s`,
  );
}
