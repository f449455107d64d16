import { MAX_AGENTS, MIN_AGENTS } from "./agents.ts";
import type { Random, Seed } from "./random.ts";
import { SimulatorError } from "./simulator-error.ts";
import { DAY, parseDay } from "./time.ts";
import { isTimeZone } from "./time-zone.ts";
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
  /**
   * Number of command events over the preamble and the period, boundary events included
   * (lifecycle records and `afterDays` traffic come on top). @default 10000
   */
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
  /**
   * Where an escalation's outcome is written: on the escalated command line only (`line`), in
   * `approval.requested` and `approval.granted|denied|expired` records linked by `request_id` while
   * the line keeps only `request_id` (`record`), in both with the same outcome (`both`), or one of
   * the three drawn per escalation (`mixed`). @default "line"
   */
  readonly approvalRecords?: ApprovalRecords;
  /**
   * When a resolved escalation's command line is written: at the request, before its outcome
   * record (`line-first`), or when the approval returns, just after its outcome record
   * (`outcome-first`; with `approvalRecords: "line"` the line is only written later), or drawn
   * half and half per escalation (`mixed`); an unresolved escalation's line is always written at
   * the request. @default "line-first"
   */
  readonly approvalOrder?: ApprovalOrder;
  /**
   * The timestamp of a command line written after its approval wait: the resolution instant (the
   * chain's timestamps never go back), or the request instant (a `timestamp_regression` warning
   * wherever other lines were written during the wait). @default "resolved"
   */
  readonly outcomeFirstTimestamp?: "resolved" | "requested";
  /** Share (0–1) of timestamps written with a non-UTC offset such as `+02:00` or `-05:00`. @default 0 */
  readonly timestampOffsets?: number;
  /**
   * Whether command events fall on milliseconds and timestamps carry fractions of varied width
   * (`.1`, `.123`, `.123000`, `.123000000`, `.000`). @default false
   */
  readonly subsecondTimestamps?: boolean;
  /** Share (0–1) of command events that start a burst of 2–5 events with the identical timestamp. @default 0 */
  readonly sameSecondBursts?: number;
  /**
   * IANA time zone whose local day boundaries the log hits (`result.period` says where they are):
   * command events at 23:59:59.999 and 00:00:00.000 local around the period's start, its end and
   * each day of it that is not 24 hours long; a granted and a denied escalation requested before
   * the start and resolved after it; a granted and an expired one requested before the end and
   * resolved after it, and one never resolved (`result.boundaryEscalations`). @default none
   */
  readonly boundaryZone?: string;
  /**
   * Days the log continues after `to`: traffic at the period's daily rate and changes a past
   * period's evidence must not show (`result.afterPeriod`: the never-rotated token rotated one
   * second after the period, an agent created with its token, certificate and rules, the expiring
   * agent certificate and the proxy's renewed, another agent removed with its token and
   * certificate revoked), the home's files describing the state after them. It starts once the
   * period has ended in UTC and in `boundaryZone`; every line before that stays the same as
   * without it (with `liveEvents`, the file split may differ). @default 0
   */
  readonly afterDays?: number;
  /** Whether agents get names that are hostile to HTML, CSV and spreadsheets (`<script>`, `=`, `,`, newlines). @default false */
  readonly awkwardAgentNames?: boolean;
  /** Whether some SSH command lines hold `\n`, `\r\n`, `"`, `,` and formula starts. @default false */
  readonly awkwardCommands?: boolean;
}

/** Where an escalation's outcome is written (see {@link GenerateOptions.approvalRecords}). */
export type ApprovalRecords = "line" | "record" | "both" | "mixed";

/** When an escalated command line is written (see {@link GenerateOptions.approvalOrder}). */
export type ApprovalOrder = "line-first" | "outcome-first" | "mixed";

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
  readonly approvalRecords: ApprovalRecords;
  readonly approvalOrder: ApprovalOrder;
  readonly outcomeFirstTimestamp: "resolved" | "requested";
  readonly timestampOffsets: number;
  readonly subsecondTimestamps: boolean;
  readonly sameSecondBursts: number;
  readonly boundaryZone: string | undefined;
  readonly afterDays: number;
  readonly awkwardAgentNames: boolean;
  readonly awkwardCommands: boolean;
}

function misuse(message: string): never {
  throw new SimulatorError("SIMULATOR_OPTION_INVALID", `simulator: ${message}`);
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

function shareOption(name: string, value: number | undefined): number {
  const v = value ?? 0;
  if (typeof v !== "number" || !(v >= 0 && v <= 1))
    misuse(`Option "${name}" must be a number from 0 to 1, got ${v}`);
  return v;
}

function choiceOption<T extends string>(name: string, value: T | undefined, choices: readonly T[]): T {
  const v = value ?? choices[0];
  if (v === undefined || !choices.includes(v))
    misuse(
      `Option "${name}" must be one of ${choices.map((c) => `"${c}"`).join(", ")}, got "${String(value)}"`,
    );
  return v;
}

function booleanOption(name: string, value: boolean | undefined): boolean {
  if (value !== undefined && typeof value !== "boolean") misuse(`Option "${name}" must be a boolean`);
  return value ?? false;
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
  const boundaryZone = options.boundaryZone;
  if (boundaryZone !== undefined && (typeof boundaryZone !== "string" || !isTimeZone(boundaryZone)))
    misuse(
      `Option "boundaryZone" must be an IANA time zone such as "Europe/Berlin", got "${String(boundaryZone)}"`,
    );
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
    approvalRecords: choiceOption("approvalRecords", options.approvalRecords, [
      "line",
      "record",
      "both",
      "mixed",
    ] as const),
    approvalOrder: choiceOption("approvalOrder", options.approvalOrder, [
      "line-first",
      "outcome-first",
      "mixed",
    ] as const),
    outcomeFirstTimestamp: choiceOption("outcomeFirstTimestamp", options.outcomeFirstTimestamp, [
      "resolved",
      "requested",
    ] as const),
    timestampOffsets: shareOption("timestampOffsets", options.timestampOffsets),
    subsecondTimestamps: booleanOption("subsecondTimestamps", options.subsecondTimestamps),
    sameSecondBursts: shareOption("sameSecondBursts", options.sameSecondBursts),
    boundaryZone,
    afterDays: integerOption("afterDays", options.afterDays, 0, 0, 3650),
    awkwardAgentNames: booleanOption("awkwardAgentNames", options.awkwardAgentNames),
    awkwardCommands: booleanOption("awkwardCommands", options.awkwardCommands),
  };
}
