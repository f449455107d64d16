import { createHash } from "node:crypto";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { COMMAND_EVENT_FIELDS, type GoField, lifecycleFields } from "@iddio-compliance/schema";
import type { AfterPeriodChange } from "./after-period.ts";
import { approvalRecords, type EscalationWriting, withoutOutcome } from "./approvals.ts";
import { writeHomeFiles } from "./home-files.ts";
import { type GenerateOptions, resolveOptions } from "./options.ts";
import { planHome } from "./plan-home.ts";
import { Random } from "./random.ts";
import { apiRecording, execRecording } from "./recordings.ts";
import { outsideGap, type Scheduled } from "./schedule.ts";
import { SimulatorError } from "./simulator-error.ts";
import { MINUTE, SECOND } from "./time.ts";
import type { Outcome } from "./traffic.ts";
import { ChainWriter, type HashMode } from "./writer.ts";

/** What {@link generateHome} wrote. */
export interface GenerateResult {
  /** The home directory. */
  readonly outDir: string;
  /** Every file written, relative to `outDir`, sorted. */
  readonly files: readonly string[];
  /** The audit log files in chain order (oldest rotated file first, `audit.jsonl` last). */
  readonly logFiles: readonly string[];
  /** Command events written. */
  readonly commandEvents: number;
  /** Lifecycle records written (including the one of an unknown kind). */
  readonly lifecycleRecords: number;
  /** Lines in the whole chain. */
  readonly lines: number;
  /** The hash of the last line. */
  readonly chainHead: string;
  /** Agents that existed at some point, in roster order (the one created after the period last). */
  readonly agents: readonly string[];
  readonly hashMode: HashMode;
  /** Session id of the recording that a `session.recorded` record lists but whose file was not written. */
  readonly missingRecording: string | undefined;
  /** The period `from`…`to` read in `boundaryZone` (UTC without it): its first instant and the first instant after it, epoch ms. */
  readonly period: { readonly zone: string; readonly start: number; readonly end: number };
  /** Instants (epoch ms) of the command events placed on the period's boundaries; empty without `boundaryZone`. */
  readonly boundaryInstants: readonly number[];
  /** The escalations placed across the period's start and end; empty without `boundaryZone`. */
  readonly boundaryEscalations: readonly BoundaryEscalationTruth[];
  /** What changed after the period; absent without `afterDays`. */
  readonly afterPeriod: AfterPeriodTruth | undefined;
}

/** One escalation placed across a period boundary, as written. */
export interface BoundaryEscalationTruth {
  readonly requestId: string;
  readonly agent: string;
  /** When it was requested (epoch ms). */
  readonly requestedAt: number;
  /** When its outcome came (request + wait); absent when it never came. */
  readonly resolvedAt: number | undefined;
  readonly outcome: Outcome;
  readonly where: EscalationWriting["where"];
  readonly order: EscalationWriting["order"];
}

/** The changes written after the period (`afterDays`). */
export interface AfterPeriodTruth {
  /** The agent created after the period. */
  readonly createdAgent: string;
  /** Each token, certificate and agent change, in time order (policy changes left out). */
  readonly changes: readonly AfterPeriodChange[];
}

/** Which recorded session (0-based) has its file withheld, so that readers report it missing. */
const MISSING_RECORDING_INDEX = 2;
/** Idle time after which iddio closes an API session and persists it. */
const API_SESSION_IDLE = 5 * MINUTE;

/** A line due later: a record, or an escalated command line written when its approval returns. */
interface Pending {
  readonly at: number;
  /** The instant its timestamp shows. */
  readonly stampAt: number;
  readonly record: Record<string, unknown>;
  readonly fields: readonly GoField[];
  readonly command: boolean;
}

async function prepareDirectory(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (entries.length > 0) {
    throw new SimulatorError(
      "SIMULATOR_OUTPUT_NOT_EMPTY",
      `simulator: Output directory "${dir}" is not empty; give a new or empty directory`,
    );
  }
  await mkdir(dir, { recursive: true });
}

/**
 * Writes a realistic, seeded iddio home into `options.outDir`: a hash-chained audit log (rotated,
 * gzipped files plus the live `audit.jsonl`), `policy.yaml`, `tokens.yaml`, the CA, proxy and agent
 * certificates, and session recordings. Same options, same bytes. Streams: memory does not grow
 * with the number of events.
 */
export async function generateHome(options: GenerateOptions): Promise<GenerateResult> {
  const root = new Random(options.seed ?? 1);
  const resolved = resolveOptions(options, root.fork("options"));
  await prepareDirectory(resolved.outDir);

  const {
    plan,
    boundaries,
    placed,
    lifecycle,
    after,
    scheduled,
    ticks,
    totalCommands,
    traffic,
    recordingRandom,
    stamps,
    approvals,
  } = planHome(root, resolved);

  const writer = await ChainWriter.open({
    dir: resolved.outDir,
    hashMode: resolved.hashMode,
    rotateEvents: resolved.rotateEvents,
    gzipRotated: resolved.gzipRotated,
  });
  const files: string[] = [];
  const active = new Set<string>();
  let commandEvents = 0;
  let lifecycleRecords = 0;
  let recordings = 0;
  let missingRecording: string | undefined;
  const pending: Pending[] = [];
  let next = 0;
  const rotateBefore = resolved.liveEvents === undefined ? -1 : totalCommands - resolved.liveEvents;
  let liveRotated = false;
  const truth: BoundaryEscalationTruth[] = [];
  // Without sub-second instants, a line due later shows the second it falls in, as before.
  const shown = (ms: number) => (resolved.subsecondTimestamps ? ms : Math.floor(ms / SECOND) * SECOND);

  const applyEffect = (s: Scheduled) => {
    const effect = s.effect;
    if (effect === undefined) return;
    if (effect.type === "policy") traffic.setPolicy(effect.policy);
    else if (effect.type === "proxy-upgraded") traffic.setProtocolField(true);
    else {
      if (effect.type === "agent-created") active.add(effect.agent);
      else active.delete(effect.agent);
      traffic.setActive(active);
    }
  };
  const write = async (
    record: Readonly<Record<string, unknown>>,
    fields: readonly GoField[],
    at: number,
    timestamp: string,
    command: boolean,
  ) => {
    await writer.append({ ...record, timestamp }, fields, at);
    if (command) commandEvents++;
    else lifecycleRecords++;
  };
  // Writes every scheduled and pending line due at or before `time`, in time order (scheduled
  // records first on a tie: they are state changes the request at that instant already sees).
  const writeDue = async (time: number) => {
    for (;;) {
      const s = scheduled[next];
      const p = pending[0];
      const sAt = s !== undefined && s.at <= time ? s.at : Number.POSITIVE_INFINITY;
      const pAt = p !== undefined && p.at <= time ? p.at : Number.POSITIVE_INFINITY;
      if (sAt === Number.POSITIVE_INFINITY && pAt === Number.POSITIVE_INFINITY) return;
      if (s !== undefined && sAt <= pAt) {
        next++;
        applyEffect(s);
        await write(s.record, s.fields, s.at, stamps.format(s.at), false);
      } else if (p !== undefined) {
        pending.shift();
        await write(p.record, p.fields, p.at, stamps.format(p.stampAt), p.command);
      }
    }
  };
  const enqueue = (item: Pending) => {
    let i = pending.length;
    while (i > 0 && (pending[i - 1]?.at ?? 0) > item.at) i--;
    pending.splice(i, 0, item);
  };
  const later = (at: number, record: Record<string, unknown>, fields: readonly GoField[]) => {
    const when = outsideGap(at, plan.gap);
    enqueue({ at: when, stampAt: shown(when), record, fields, command: false });
  };

  let previousStamp = "";
  for (const tick of ticks) {
    const time = tick.at;
    await writeDue(time);
    if (!traffic.hasActiveAgents) throw new Error("simulator: internal: traffic before any agent exists");
    if (rotateBefore >= 0 && !liveRotated && commandEvents >= rotateBefore) {
      liveRotated = true;
      await writer.rotateNow(time);
    }
    const forced = tick.escalation;
    const request = forced === undefined ? traffic.next(time) : traffic.nextEscalation(time, forced.outcome);
    if (forced?.waitMs !== undefined) request.event.approval_wait_ms = forced.waitMs;
    const stamp = tick.repeat ? previousStamp : stamps.format(time);
    previousStamp = stamp;
    let lineAt = time;
    const event = request.event;
    if (event.request_id === undefined) {
      await write(event, COMMAND_EVENT_FIELDS, time, stamp, true);
    } else {
      const writing = approvals.plan(forced?.index);
      const resolvedAt = event.approval === undefined ? undefined : time + (event.approval_wait_ms ?? 0);
      const line = writing.where === "record" ? withoutOutcome(event) : event;
      if (writing.where !== "line") {
        const [requested, outcome] = approvalRecords(event, time);
        if (requested !== undefined) await write(requested.record, requested.fields, time, stamp, false);
        if (outcome !== undefined) enqueue({ ...outcome, stampAt: shown(outcome.at), command: false });
      }
      if (writing.order === "outcome-first" && resolvedAt !== undefined) {
        lineAt = resolvedAt;
        const stampAt = resolved.outcomeFirstTimestamp === "resolved" ? shown(resolvedAt) : time;
        enqueue({ at: resolvedAt, stampAt, record: line, fields: COMMAND_EVENT_FIELDS, command: true });
      } else {
        await write(line, COMMAND_EVENT_FIELDS, time, stamp, true);
      }
      if (forced !== undefined) {
        truth.push({
          requestId: event.request_id,
          agent: event.agent,
          requestedAt: time,
          resolvedAt,
          outcome: forced.outcome,
          where: writing.where,
          order: lineAt === time ? "line-first" : "outcome-first",
        });
      }
    }
    if (request.jit !== undefined) {
      later(
        lineAt,
        {
          event: "jit.issued",
          agent: request.event.agent,
          kind: request.jit.kind,
          ttl_s: 300,
          namespace: request.jit.namespace,
          host: request.jit.host,
        },
        lifecycleFields("jit.issued"),
      );
    }
    const session = request.session;
    if (session !== undefined) {
      const recording =
        session.type === "exec"
          ? execRecording(recordingRandom, session)
          : apiRecording(recordingRandom, session);
      const bytes = Buffer.from(recording.content, "utf8");
      if (recordings === MISSING_RECORDING_INDEX) {
        missingRecording = session.sessionId;
      } else {
        await mkdir(join(resolved.outDir, recording.path, ".."), { recursive: true });
        await writeFile(join(resolved.outDir, recording.path), bytes, { flag: "wx" });
        files.push(recording.path);
      }
      recordings++;
      const done = lineAt + recording.durationMs + (session.type === "api" ? API_SESSION_IDLE : 0);
      later(
        done,
        {
          event: "session.recorded",
          agent: session.agent,
          session_id: session.sessionId,
          type: session.type,
          bytes: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
        },
        lifecycleFields("session.recorded"),
      );
    }
  }
  await writeDue(Number.POSITIVE_INFINITY);
  const logFiles = await writer.close();
  files.push(...logFiles.map((f) => f.name));
  files.push(
    ...(await writeHomeFiles(
      resolved.outDir,
      after?.policy ?? lifecycle.policy.final,
      after?.credentials ?? lifecycle.credentials,
    )),
  );

  return {
    outDir: resolved.outDir,
    files: files.sort(),
    logFiles: logFiles.map((f) => f.name),
    commandEvents,
    lifecycleRecords,
    lines: writer.lines,
    chainHead: writer.head,
    agents: after === undefined ? lifecycle.agents : [...lifecycle.agents, after.created],
    hashMode: resolved.hashMode,
    missingRecording,
    period:
      boundaries === undefined
        ? { zone: "UTC", start: resolved.from, end: resolved.end }
        : { zone: boundaries.zone, start: boundaries.start, end: boundaries.end },
    boundaryInstants: placed?.instants ?? [],
    boundaryEscalations: truth,
    afterPeriod: after === undefined ? undefined : { createdAgent: after.created, changes: after.changes },
  };
}
