// Preloaded into benchmarked processes: writes the peak RSS (bytes) to the file named by
// IDDIO_BENCH_RSS_FILE when the process exits.
import { writeFileSync } from "node:fs";

const file = process.env.IDDIO_BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
