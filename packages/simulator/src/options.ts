import { MAX_AGENTS, MIN_AGENTS } from "./agents.ts";
import type { Random, Seed } from "./random.ts";
import { DAY, parseDay } from "./time.ts";
import type { HashMode } from "./writer.ts";

/** Options of {@link generateHome}. */
export interface GenerateOptions {
  /** Directory to write the home into; created when missing, refused when not empty. */
  readonly outDir: string;
  /** Seed of every random choice: the same options always give byte-identical files. @default 1 */
  readonly seed?: Seed;
  /** First day of the main traffic period, `YYYY-MM-DD` in UTC. @default "2026-01-01" */
  readonly from?: string | Date;
  /** Last day of the main traffic period, inclusive. @default "2026-03-31" */
  readonly to?: string | Date;
  /** Number of command events over the preamble and the period (lifecycle records come on top). @default 10000 */
  readonly events?: number;
  /** Number of agents, from 5 to 20. @default chosen by the seed, 8 to 14 */
  readonly agents?: number;
  /** Whether the hashed bytes hold `"hash":""` (`blank`) or leave the key out (`omit`). @default "blank" */
  readonly hashMode?: HashMode;
  /** Lines per rotated log file; the live `audit.jsonl` holds the rest. @default 100000 */
  readonly rotateEvents?: number;
  /**
   * Command events kept in the live `audit.jsonl`: the log is rotated once more just before the
   * last `liveEvents` command events, so the live file stays small. @default no extra rotation
   */
  readonly liveEvents?: number;
  /** Whether rotated files are gzipped (`audit-<timestamp>.jsonl.gz`). @default true */
  readonly gzipRotated?: boolean;
  /** Days of setup traffic before `from` (the first is `iddio init` and onboarding only). @default 14 */
  readonly preambleDays?: number;
  /** Approximate number of recorded API sessions (exec sessions are recorded whenever one runs). @default 24 */
  readonly apiSessions?: number;
}

/** Options with every default filled in and dates resolved to epoch ms. */
export interface ResolvedOptions {
  readonly outDir: string;
  readonly seed: Seed;
  readonly from: number;
  /** Exclusive end: UTC midnight after `to`. */
  readonly end: number;
  readonly events: number;
  readonly agents: number;
  readonly hashMode: HashMode;
  readonly rotateEvents: number;
  readonly liveEvents: number | undefined;
  readonly gzipRotated: boolean;
  readonly preambleDays: number;
  readonly apiSessions: number;
}

function misuse(message: string): never {
  throw new RangeError(`[iddio-compliance] [simulator] ${message}`);
}

function integerOption(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max)
    misuse(`Option "${name}" must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

/** Validates options and fills defaults; throws a clear error on misuse. */
export function resolveOptions(options: GenerateOptions, random: Random): ResolvedOptions {
  if (typeof options.outDir !== "string" || options.outDir === "") misuse('Option "outDir" is required');
  const seed = options.seed ?? 1;
  if (typeof seed !== "string" && !Number.isFinite(seed))
    misuse(`Option "seed" must be a finite number or a string`);
  const from = parseDay(options.from ?? "2026-01-01", "from");
  const to = parseDay(options.to ?? "2026-03-31", "to");
  if (to < from) misuse(`Option "to" (${String(options.to)}) is before "from" (${String(options.from)})`);
  const hashMode = options.hashMode ?? "blank";
  if (hashMode !== "blank" && hashMode !== "omit")
    misuse(`Option "hashMode" must be "blank" or "omit", got "${String(hashMode)}"`);
  return {
    outDir: options.outDir,
    seed,
    from,
    end: to + DAY,
    events: integerOption("events", options.events, 10_000, 1, 1_000_000_000),
    agents: integerOption("agents", options.agents, random.int(8, 14), MIN_AGENTS, MAX_AGENTS),
    hashMode,
    rotateEvents: integerOption("rotateEvents", options.rotateEvents, 100_000, 1, Number.MAX_SAFE_INTEGER),
    liveEvents:
      options.liveEvents === undefined
        ? undefined
        : integerOption("liveEvents", options.liveEvents, 0, 1, Number.MAX_SAFE_INTEGER),
    gzipRotated: options.gzipRotated ?? true,
    preambleDays: integerOption("preambleDays", options.preambleDays, 14, 0, 3650),
    apiSessions: integerOption("apiSessions", options.apiSessions, 24, 0, 1_000_000),
  };
}
