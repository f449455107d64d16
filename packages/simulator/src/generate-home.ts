import { createHash } from "node:crypto";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { COMMAND_EVENT_FIELDS, type GoField, lifecycleFields } from "@iddio-compliance/schema";
import { buildRoster } from "./agents.ts";
import { writeHomeFiles } from "./home-files.ts";
import { planLifecycle } from "./lifecycle.ts";
import { type GenerateOptions, resolveOptions } from "./options.ts";
import { Random } from "./random.ts";
import { apiRecording, execRecording } from "./recordings.ts";
import { eventTimes, planTraffic } from "./rhythm.ts";
import { outsideGap, type Scheduled } from "./schedule.ts";
import { DAY, HOUR, MINUTE, rfc3339 } from "./time.ts";
import { TrafficGenerator } from "./traffic.ts";
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
  /** Agents that existed at some point, in roster order. */
  readonly agents: readonly string[];
  readonly hashMode: HashMode;
  /** Session id of the recording that a `session.recorded` record lists but whose file was not written. */
  readonly missingRecording: string | undefined;
}

/** Which recorded session (0-based) has its file withheld, so that readers report it missing. */
const MISSING_RECORDING_INDEX = 2;
/** Idle time after which iddio closes an API session and persists it. */
const API_SESSION_IDLE = 5 * MINUTE;

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly record: Record<string, unknown>;
  readonly fields: readonly GoField[];
}

async function prepareDirectory(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (entries.length > 0) {
    throw new Error(
      `[iddio-compliance] [simulator] Output directory "${dir}" is not empty; give a new or empty directory`,
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

  const preambleStart = resolved.from - resolved.preambleDays * DAY;
  const setupStart =
    resolved.preambleDays >= 1
      ? preambleStart + 9 * HOUR + root.fork("setup").int(0, 30) * MINUTE
      : resolved.from - 3 * HOUR;
  const roster = buildRoster(root.fork("roster"), resolved.agents);
  const plan = planTraffic(root.fork("rhythm"), {
    preambleStart,
    from: resolved.from,
    end: resolved.end,
    events: resolved.events,
  });
  const lifecycle = planLifecycle(root.fork("lifecycle"), roster, {
    setupStart,
    from: resolved.from,
    end: resolved.end,
    gap: plan.gap,
  });
  const traffic = new TrafficGenerator(root.fork("traffic"), roster, {
    apiSessionRate: Math.min(1, (resolved.apiSessions * 1.6) / resolved.events),
  });
  const recordingRandom = root.fork("recordings");

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
  let seq = 0;
  let next = 0;
  const scheduled = lifecycle.scheduled;
  const rotateBefore = resolved.liveEvents === undefined ? -1 : resolved.events - resolved.liveEvents;

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
  // Writes every scheduled and pending record due at or before `time`, in time order (scheduled
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
        await writer.append(s.record, s.fields, s.at);
      } else if (p !== undefined) {
        pending.shift();
        await writer.append(p.record, p.fields, p.at);
      }
      lifecycleRecords++;
    }
  };
  const later = (at: number, record: Record<string, unknown>, fields: readonly GoField[]) => {
    const when = outsideGap(at, plan.gap);
    const item: Pending = { at: when, seq: seq++, record: { ...record, timestamp: rfc3339(when) }, fields };
    let i = pending.length;
    while (i > 0 && (pending[i - 1]?.at ?? 0) > when) i--;
    pending.splice(i, 0, item);
  };

  for (const time of eventTimes(root.fork("times"), plan)) {
    await writeDue(time);
    if (!traffic.hasActiveAgents)
      throw new Error("[iddio-compliance] [simulator] internal: traffic before any agent exists");
    if (commandEvents === rotateBefore) await writer.rotateNow(time);
    const request = traffic.next(time);
    await writer.append(request.event, COMMAND_EVENT_FIELDS, time);
    commandEvents++;
    if (request.jit !== undefined) {
      later(
        time,
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
      const done = time + recording.durationMs + (session.type === "api" ? API_SESSION_IDLE : 0);
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
  files.push(...(await writeHomeFiles(resolved.outDir, lifecycle.policy.final, lifecycle.credentials)));

  return {
    outDir: resolved.outDir,
    files: files.sort(),
    logFiles: logFiles.map((f) => f.name),
    commandEvents,
    lifecycleRecords,
    lines: writer.lines,
    chainHead: writer.head,
    agents: lifecycle.agents,
    hashMode: resolved.hashMode,
    missingRecording,
  };
}
