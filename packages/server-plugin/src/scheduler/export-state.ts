import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { PeriodDates } from "@iddio-compliance/core";
import { ServerPluginError } from "../errors/server-plugin-error.ts";
import { readJsonFile, writeFileAtomic } from "../util/atomic-write.ts";

/** A trusted chain position recorded by an export (DESIGN §7.4). */
export interface Checkpoint {
  /** The `hash` of the last audit event the export read. */
  hash: string;
  /** Events in the chain up to and including it. */
  events: number;
  /** The stored package (`<from>_<to>`) whose `checkpoint.json` the next export resumes from. Absent in states written before checkpoints. */
  package?: string;
  /** SHA-256 of that `checkpoint.json`, as the package's manifest and the ledger's `export.completed` record it. */
  sha256?: string;
}

/** What the scheduler persists between runs (`<state_dir>/export-state.json`). */
export interface ExportState {
  version: 1;
  /** When this state was first created; schedule fires before it are not owed. */
  initialized_at: string;
  /** The newest period exported and stored. */
  last_completed: PeriodDates | null;
  /** The checkpoint of the newest verified export, passed to the next one as `anchor`. */
  checkpoint: Checkpoint | null;
  last_success_at: string | null;
  last_duration_ms: number | null;
}

function isPeriod(value: unknown): value is PeriodDates {
  const p = value as PeriodDates;
  return typeof p === "object" && p !== null && typeof p.from === "string" && typeof p.to === "string";
}

/** Loads and saves {@link ExportState} atomically (temp + rename). */
export class ExportStateStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** Reads the state; creates (and persists) a fresh one stamped `now` when there is none. */
  async load(now: Date): Promise<ExportState> {
    let raw: unknown;
    try {
      raw = await readJsonFile(this.path);
    } catch (error) {
      throw new ServerPluginError(
        "STATE_UNREADABLE",
        `Cannot read export state ${this.path}: ${(error as Error).message}`,
        {
          subject: this.path,
          cause: error,
        },
      );
    }
    if (raw === undefined) {
      const fresh: ExportState = {
        version: 1,
        initialized_at: now.toISOString(),
        last_completed: null,
        checkpoint: null,
        last_success_at: null,
        last_duration_ms: null,
      };
      await this.save(fresh);
      return fresh;
    }
    const state = raw as Partial<ExportState>;
    if (
      state.version !== 1 ||
      typeof state.initialized_at !== "string" ||
      (state.last_completed !== null && !isPeriod(state.last_completed))
    ) {
      throw new ServerPluginError(
        "STATE_UNREADABLE",
        `Export state ${this.path} is not a version 1 state file`,
        { subject: this.path },
      );
    }
    return {
      version: 1,
      initialized_at: state.initialized_at,
      last_completed: state.last_completed ?? null,
      checkpoint: state.checkpoint ?? null,
      last_success_at: state.last_success_at ?? null,
      last_duration_ms: state.last_duration_ms ?? null,
    };
  }

  async save(state: ExportState): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await writeFileAtomic(this.path, `${JSON.stringify(state, null, 2)}\n`);
  }
}
