// Regenerates examples/iddio-home from SAMPLE_OPTIONS:
//   pnpm --filter @iddio-compliance/simulator sample
// The home is built in a sibling temporary folder, the hand-written README.md and .gitattributes are
// carried over, then the folder replaces the old sample.
import { copyFile, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { generateHome, SAMPLE_OPTIONS } from "../src/index.ts";

const target = resolve(import.meta.dirname, "../../../examples/iddio-home");
const temp = `${target}.regenerating`;
const KEEP = ["README.md", ".gitattributes"];

await rm(temp, { recursive: true, force: true });
const result = await generateHome({ ...SAMPLE_OPTIONS, outDir: temp });
for (const name of KEEP) {
  const from = join(target, name);
  if (await stat(from).catch(() => undefined)) await copyFile(from, join(temp, name));
}
await rm(target, { recursive: true, force: true });
await rename(temp, target);

let bytes = 0;
for (const file of result.files) bytes += (await stat(join(target, file))).size;
console.log(
  `examples/iddio-home: ${result.files.length} files, ${(bytes / 1e6).toFixed(2)} MB; ` +
    `${result.lines} lines (${result.commandEvents} command events, ${result.lifecycleRecords} lifecycle records) ` +
    `in ${result.logFiles.length} log files; chain head ${result.chainHead}`,
);
