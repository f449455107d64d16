import { resolve } from "node:path";
import type { Command } from "../cli-io.ts";
import { parseFlags, required } from "../parse-flags.ts";
import { UsageError } from "../usage-error.ts";

export const SAMPLE_HELP = `Usage: iddio-compliance sample --output DIR [--events N] [--seed S] [--from DATE] [--to DATE] [--plain]

Writes a realistic, seeded iddio home (hash-chained audit log with rotated gzipped files,
policy.yaml, tokens.yaml, agent certificates, recordings) to try the other commands on.

Options:
  --output DIR   folder to create (must be empty or not exist)
  --events N     approximate number of command events (default 40000)
  --seed S       seed; the same seed writes the same bytes (default 1)
  --from DATE    first day of traffic (default 2026-01-01)
  --to DATE      last day of traffic (default 2026-03-31)
  --plain        leave rotated files uncompressed (default: gzip them, as iddio rotation would)
  -h, --help     show this help

Exit codes: 0 written; 2 usage error or a folder that is not empty.
`;

/** `iddio-compliance sample`. */
export const sampleCommand: Command = async (argv, io) => {
  const { values } = parseFlags(argv, {
    output: { type: "string", short: "o" },
    events: { type: "string", default: "40000" },
    seed: { type: "string", default: "1" },
    from: { type: "string", default: "2026-01-01" },
    to: { type: "string", default: "2026-03-31" },
    plain: { type: "boolean", default: false },
  });
  if (values.help) {
    io.stdout.write(SAMPLE_HELP);
    return 0;
  }
  const outDir = resolve(io.cwd, required(values.output, "--output"));
  const events = Number(values.events);
  if (!Number.isInteger(events) || events < 1 || events > 100_000_000)
    throw new UsageError(`--events: "${values.events}" is not a whole number from 1 to 100000000`);
  const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
  // Loaded on demand: the other commands never pay for the simulator.
  const { generateHome } = await import("@iddio-compliance/simulator");
  const result = await generateHome({
    seed,
    outDir,
    events,
    from: values.from,
    to: values.to,
    gzipRotated: !values.plain,
  });
  io.stdout.write(`wrote a sample iddio home to ${values.output}${describe(result)}\n`);
  return 0;
};

function describe(result: {
  commandEvents: number;
  lifecycleRecords: number;
  logFiles: readonly string[];
}): string {
  const n = (v: number) => v.toLocaleString("en-US");
  return ` (${n(result.commandEvents)} command events, ${n(result.lifecycleRecords)} lifecycle records in ${result.logFiles.length} log file(s))`;
}
