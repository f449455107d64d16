import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  CHECKPOINT_FORMAT,
  type Checkpoint,
  type CheckpointState,
  checkpointSchema,
} from "@iddio-compliance/schema";
import { ComplianceError } from "../errors/compliance-error.ts";
import type { AuditLineSource } from "../sources/audit-line-source.ts";
import type { ChainCut } from "../sources/read-audit-chain.ts";
import type { Period } from "../time/period.ts";
import { readSummaryFile } from "./read-package.ts";

/** The checkpoint's file in every package, listed in the manifest. */
export const CHECKPOINT_FILE = "checkpoint.json";

/** A checkpoint as read: the parsed file and the SHA-256 of its bytes (what a resumed export records). */
export interface LoadedCheckpoint {
  checkpoint: Checkpoint;
  sha256: string;
  /** Where it was read from, for messages. */
  path: string;
}

/** The checkpoint of an export: where its period ends in the chain, and the state there. */
export function buildCheckpoint(args: {
  period: Checkpoint["period"];
  endMs: number;
  source: AuditLineSource;
  cut: ChainCut;
  state: CheckpointState;
}): Checkpoint {
  const { source, cut } = args;
  return {
    format: CHECKPOINT_FORMAT,
    version: 1,
    period: args.period,
    as_of: new Date(args.endMs).toISOString(),
    source: { type: source.type, location: source.location, org_id: source.orgId },
    position: cut.position,
    chain: cut.chain,
    state: args.state,
  };
}

/**
 * Reads a checkpoint: `path` is a package folder (its `checkpoint.json`, which must match the
 * package's manifest) or a checkpoint file. Throws `INVALID_OPTION` naming `subject` when it is
 * missing, not a checkpoint, of another format version, or does not match its package.
 */
export function readCheckpoint(path: string, subject = "--resume-from"): LoadedCheckpoint {
  const fail = (why: string, cause?: unknown) =>
    new ComplianceError("INVALID_OPTION", `${subject}: ${why}`, {
      subject,
      ...(cause === undefined ? {} : { cause }),
    });
  let file = path;
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
  } catch (cause) {
    throw fail(`"${path}" does not exist (give a package folder or its checkpoint.json)`, cause);
  }
  if (folder) file = join(path, CHECKPOINT_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw fail(
      `"${file}" cannot be read (a package exported before checkpoints existed has none): ${(cause as Error).message}`,
      cause,
    );
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (folder) {
    let listed: string | undefined;
    try {
      listed = readSummaryFile(path).summary.manifest.find((e) => e.file === CHECKPOINT_FILE)?.sha256;
    } catch (cause) {
      throw fail(`"${path}" is not a package: ${(cause as Error).message}`, cause);
    }
    if (listed !== sha256)
      throw fail(
        listed === undefined
          ? `"${path}": its manifest does not list ${CHECKPOINT_FILE}`
          : `"${file}" does not match the SHA-256 its package's manifest lists (altered since it was exported)`,
      );
  }
  return { checkpoint: parseCheckpoint(bytes, file, subject), sha256, path: file };
}

/** Parses a checkpoint's bytes; `path` names it in errors (`INVALID_OPTION` naming `subject`). */
export function parseCheckpoint(bytes: Buffer, path: string, subject = "--resume-from"): Checkpoint {
  const fail = (why: string) =>
    new ComplianceError("INVALID_OPTION", `${subject}: ${path}: ${why}`, { subject });
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch (cause) {
    throw fail(`not JSON (${(cause as Error).message})`);
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (head?.format === CHECKPOINT_FORMAT && head.version !== 1)
    throw fail(`checkpoint format version ${String(head.version)} is not one this version reads (1)`);
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(`not a checkpoint: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * Checks that a checkpoint can stand for the log before `period`: it is a position in this
 * source (same kind, same organisation) and its state ends no later than the period starts.
 * Throws `INVALID_OPTION` naming `subject` otherwise: resuming there would be wrong, not slower.
 */
export function assertResumable(
  loaded: LoadedCheckpoint,
  period: Period,
  source: AuditLineSource,
  subject = "--resume-from",
): void {
  const { checkpoint } = loaded;
  const fail = (why: string) =>
    new ComplianceError("INVALID_OPTION", `${subject}: ${loaded.path}: ${why}`, { subject });
  if (checkpoint.source.type !== source.type || checkpoint.source.org_id !== source.orgId)
    throw fail(
      `the checkpoint is a position in ${describeSource(checkpoint.source)}, not in ${describeSource(source)}`,
    );
  const asOf = Date.parse(checkpoint.as_of);
  if (!(asOf <= period.startMs))
    throw fail(
      `the checkpoint holds the log up to ${checkpoint.as_of}, after the start of ${period.from} (${period.timeZone}): it can only resume a period that starts at or after it`,
    );
}

function describeSource(source: { type: string; org_id?: string | null; orgId?: string | null }): string {
  const org = source.org_id ?? source.orgId ?? null;
  return source.type === "postgres" ? `PostgreSQL organisation "${org}"` : "an audit log of files";
}
