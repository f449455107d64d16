import { resolve } from "node:path";
import { drawSample, isPopulation, POPULATIONS } from "@iddio-compliance/core";
import type { Command } from "../cli-io.ts";
import { parseFlags, required } from "../parse-flags.ts";
import { sanitizeTerminal } from "../terminal/sanitize.ts";
import { UsageError } from "../usage-error.ts";
import { auditSource } from "./audit-source.ts";
import { parseThreads } from "./threads-flag.ts";

const NAMES = Object.keys(POPULATIONS).join("|");

export const DRAW_HELP = `Usage: iddio-compliance draw DIR --population NAME --size N --seed TEXT --output FILE
         [--source PATH|postgres://… --org ID] [--threads N]

Draws a reproducible sample of a package's population for an auditor: N items picked
uniformly from the seed and the package's summary digest (the same inputs give the same
sample on any machine; docs/verifying-evidence.md states the algorithm). FILE (JSON) and a
.csv beside it hold, per item, the evidence row, the original log line, its event index and an
RFC 6962 inclusion proof against the package's Merkle root. 'verify-package DIR --sample FILE'
checks it with the package alone. Drawing reads the log the package was exported from.

Options:
  --population NAME  ${NAMES}
  --size N           how many items (all of them when there are fewer)
  --seed TEXT        any text the auditor chooses
  --output FILE      the sample file to write (JSON; FILE.csv, or FILE with .csv for .json)
  --source PATH      as for export (default: $IDDIO_HOME, else ~/.iddio), or postgres://…
  --org ID           organisation (with a postgres:// source)
  --threads N        hashing worker threads, as for export
  -h, --help         show this help

Exit codes: 0 written; 2 usage error, a package that is not intact, or a log that does not give
the package's Merkle root.
`;

/** `iddio-compliance draw`. */
export const drawCommand: Command = async (argv, io) => {
  const { values, positionals } = parseFlags(
    argv,
    {
      population: { type: "string" },
      size: { type: "string" },
      seed: { type: "string" },
      output: { type: "string", short: "o" },
      source: { type: "string" },
      org: { type: "string" },
      threads: { type: "string" },
    },
    true,
  );
  if (values.help) {
    io.stdout.write(DRAW_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("draw takes exactly one package folder");
  const population = required(values.population, "--population");
  if (!isPopulation(population))
    throw new UsageError(`--population: unknown population "${population}" (expected ${NAMES})`);
  const sizeText = required(values.size, "--size");
  const size = Number(sizeText);
  if (!/^\d+$/.test(sizeText) || !Number.isSafeInteger(size) || size < 1)
    throw new UsageError(`--size: "${sizeText}" is not a positive whole number`);
  const seed = required(values.seed, "--seed");
  const output = resolve(io.cwd, required(values.output, "--output"));
  const source = await auditSource(values, io);
  const result = await drawSample({
    package: resolve(io.cwd, positionals[0] as string),
    source,
    population,
    size,
    seed,
    output,
    ...parseThreads(values.threads),
  });
  const s = result.sample.sample;
  io.stdout.write(
    sanitizeTerminal(
      `drew ${result.sample.items.length} of ${s.population_size} ${s.population} (seed "${s.seed}")\n  ${result.file}\n  ${result.csvFile}\ncheck it with: iddio-compliance verify-package ${positionals[0]} --sample ${values.output}\n`,
    ),
  );
  return 0;
};
