import { isUtf8 } from "node:buffer";
import type { AuditLogIntegrity, ChainFinding, CheckpointChain } from "@iddio-compliance/schema";
import type { ChainAnchor } from "../export/export-options.ts";
import { MAX_LINE_BYTES } from "../io/line-reader.ts";
import type { BlockScan } from "./scan-block.ts";
import { GO_MAX_DEPTH, LINE_SCAN, lineMembers, scanLine } from "./scan-line.ts";
import { sha256HexOfParts } from "./sha256.ts";

/** Where the `hash` member sits in a stored line, and how to cut it out for hashing. */
export interface HashSpan {
  /** Byte offset of the first character of the hash value (after its opening quote). */
  valueStart: number;
  /** Byte offset just past the hash value (at its closing quote). */
  valueEnd: number;
  /** Byte range to remove when the writer omits an empty hash (the member and one comma). */
  memberStart: number;
  memberEnd: number;
}

/** A stored line read as a record: the object, its `hash` and `prev_hash`, and where the hash sits. */
export interface RecordLine {
  record: Record<string, unknown>;
  hash: string;
  prev: string;
  span: HashSpan;
  /** The line without a trailing `\r`. */
  line: Buffer;
}

/** Why a stored line is not a record; `unparsable` when it is not even JSON (or empty). */
export interface UnreadableLine {
  error: string;
  unparsable: boolean;
  bytes: number;
  /** The `hash` it holds, when it has one that is not stored verbatim. */
  hash: string | null;
}

/** Why a line of `bytes` bytes longer than {@link MAX_LINE_BYTES} is not a record. */
function overlongLine(bytes: number): UnreadableLine {
  return {
    error: `line of ${bytes} bytes is longer than the ${MAX_LINE_BYTES >> 20} MiB limit of a record`,
    unparsable: true,
    bytes,
    hash: null,
  };
}

const MEMBERS = lineMembers();

/**
 * Reads one stored line (without its newline) as a record, as Go's `encoding/json` reads it into a
 * map (DESIGN §4): valid UTF-8, a JSON object (no deeper than Go's limit, numbers in float64 range)
 * with string `hash` and `prev_hash` (the last of duplicate keys counts), the top-level hash value
 * stored verbatim. This is what decides whether a line reaches the mappers, on any thread; the byte
 * scan (`scanBlock`) decides the same or hands the line here.
 */
export function readRecordLine(line: Buffer): RecordLine | UnreadableLine {
  if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
  const bytes = line.length;
  if (bytes > MAX_LINE_BYTES) return overlongLine(bytes);
  const unparsable = (error: string) => ({ error, unparsable: true, bytes, hash: null });
  if (line.length === 0) return unparsable("empty line");
  if (!isUtf8(line)) return unparsable("line is not valid UTF-8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.toString("utf8"));
  } catch (error) {
    return unparsable(`not JSON (${(error as Error).message})`);
  }
  const malformed = (error: string, hash: string | null = null) => ({
    error,
    unparsable: false,
    bytes,
    hash,
  });
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return malformed("not a JSON object");
  const record = parsed as Record<string, unknown>;
  const hash = record.hash;
  const prev = record.prev_hash;
  if (typeof hash !== "string") return malformed("no hash field");
  if (typeof prev !== "string") return malformed("no prev_hash field");
  const m = MEMBERS;
  const scanned = scanLine(line, 0, bytes, m);
  if (scanned === LINE_SCAN.tooDeep)
    return malformed(`nested deeper than ${GO_MAX_DEPTH} levels, which Go's encoding/json refuses`);
  if (scanned === LINE_SCAN.numberRange)
    return malformed("holds a number beyond float64 range, which Go's encoding/json refuses");
  // The hash cut out for hashing is the top-level member's value, as written (no escapes).
  if (scanned !== LINE_SCAN.object) return malformed("not a JSON object");
  if (m.hashKind !== 1) return malformed("hash value is not stored verbatim", hash);
  const span = {
    valueStart: m.hashStart,
    valueEnd: m.hashEnd,
    memberStart: m.hashMemberStart,
    memberEnd: m.hashMemberEnd,
  };
  return { record, hash, prev, span, line };
}

/** How the writer hashed: with `"hash":""` in place, or with the member left out. */
export type HashMode = "blank" | "omit";

export type FindingKind = ChainFinding["kind"];

/** One file of the chain, as the verifier saw it. */
export interface ChainFileInfo {
  path: string;
  compressed: boolean;
  bytes: number;
  sha256: string;
  events: number;
  first_hash: string | null;
  last_hash: string | null;
  first_prev_hash: string | null;
  /** The first line read, when reading resumed inside this file after a checkpoint. */
  read_from_line?: number;
}

/** Where a resumed verification starts: the checkpoint's state, and which checkpoint it was. */
export interface VerifierResume {
  /** The verifier's state at the checkpoint (`checkpoint.json` `chain`). */
  state: CheckpointChain;
  /** SHA-256 of the `checkpoint.json` trusted, recorded in the result's `anchor`. */
  checkpointSha256: string;
}

/** Options of {@link ChainVerifier}. */
export interface ChainVerifierOptions {
  /** A trusted checkpoint; events up to and including it are not re-hashed. */
  anchor?: ChainAnchor;
  /** Findings kept with full detail; the rest are only counted. @default 1000 */
  maxFindings?: number;
  /** Continue from a checkpoint's state: the lines up to it are not read again. */
  resume?: VerifierResume;
}

const GENESIS = "genesis";

/**
 * The hash-chain verifier of DESIGN §4, fed one stored line at a time in chain order. It hashes
 * the stored bytes with the hash value cut out (never a re-serialisation), so it agrees with Go's
 * encoder by construction. Expected failures become findings; it throws only on misuse.
 */
export class ChainVerifier {
  #mode: HashMode | null = null;
  #lastHash: string | null = null;
  // The last hash as bytes in a scanned block; turned into #lastHash only when a string is needed.
  #lastBytes: Buffer | null = null;
  #lastAt = 0;
  #lastTime = Number.NEGATIVE_INFINITY;
  #linked = false;
  #anchorState: "none" | "pending" | "passed";
  #anchorType: "genesis" | "checkpoint" | "none" = "none";
  #eventsBeforeAnchor = 0;
  #events = 0;
  #findings: ChainFinding[] = [];
  #findingCounts: Record<string, number> = {};
  #errors = 0;
  #finished = false;
  #files: ChainFileInfo[] = [];
  #current: ChainFileInfo | null = null;
  readonly #maxFindings: number;
  readonly #anchor: ChainAnchor | undefined;
  readonly #resumed: { hash: string | null; events: number; checkpointSha256: string } | null = null;

  constructor(options: ChainVerifierOptions = {}) {
    this.#maxFindings = options.maxFindings ?? 1000;
    const resume = options.resume;
    if (resume) {
      // A checkpoint's state stands for every line before it: its findings, counts and origin.
      const s = resume.state;
      this.#anchor =
        s.origin.type === "checkpoint" && s.origin.hash ? { hash: s.origin.hash, events: 0 } : undefined;
      this.#anchorState = s.origin.type === "checkpoint" ? "passed" : "none";
      this.#anchorType = s.origin.type;
      this.#eventsBeforeAnchor = s.origin.events_before;
      this.#mode = s.hash_mode;
      this.#lastHash = s.head;
      this.#lastTime = s.last_time_ms ?? Number.NEGATIVE_INFINITY;
      this.#linked = s.linked;
      this.#events = s.events;
      this.#errors = s.errors;
      this.#findingCounts = { ...s.finding_counts };
      this.#findings = s.findings.slice(0, this.#maxFindings);
      this.#resumed = { hash: s.head, events: s.events, checkpointSha256: resume.checkpointSha256 };
      return;
    }
    this.#anchor = options.anchor;
    this.#anchorState = options.anchor ? "pending" : "none";
  }

  /** Whether a trusted anchor is still awaited: the state so far cannot be resumed from. */
  get awaitingAnchor(): boolean {
    return this.#anchorState === "pending";
  }

  /** The state a checkpoint carries (see {@link VerifierResume}), taken between lines. */
  snapshot(): CheckpointChain {
    return {
      events: this.#events,
      head: this.#last(),
      hash_mode: this.#mode,
      last_time_ms: Number.isFinite(this.#lastTime) ? this.#lastTime : null,
      linked: this.#linked,
      origin: {
        type: this.#anchorType,
        hash: this.#anchorType === "checkpoint" ? (this.#anchor?.hash ?? null) : null,
        events_before: this.#eventsBeforeAnchor,
      },
      errors: this.#errors,
      finding_counts: { ...this.#findingCounts },
      findings: this.#findings.map((f) => ({ ...f })),
    };
  }

  /** Starts the next file in chain order (`readFromLine`: reading resumed at that line, after a checkpoint). */
  beginFile(path: string, compressed: boolean, readFromLine = 1): void {
    if (this.#current) throw new Error("ChainVerifier: beginFile called before endFile");
    this.#current = {
      path,
      compressed,
      bytes: 0,
      sha256: "",
      events: 0,
      first_hash: null,
      last_hash: null,
      first_prev_hash: null,
      ...(readFromLine > 1 ? { read_from_line: readFromLine } : {}),
    };
  }

  /** Ends the current file with its size and SHA-256. */
  endFile(bytes: number, sha256: string): void {
    const current = this.#current;
    if (!current) throw new Error("ChainVerifier: endFile called without beginFile");
    current.bytes = bytes;
    current.sha256 = sha256;
    if (current.events > 0) current.last_hash = this.#last();
    this.#files.push(current);
    this.#current = null;
  }

  /** The `hash` of the current file's first event, once it has one. */
  get currentFirstHash(): string | null {
    return this.#current?.first_hash ?? null;
  }

  /** The hash of the last event linked so far. */
  get head(): string | null {
    return this.#last();
  }

  #last(): string | null {
    if (this.#lastBytes) {
      this.#lastHash = this.#lastBytes.toString("utf8", this.#lastAt, this.#lastAt + 64);
      this.#lastBytes = null;
    }
    return this.#lastHash;
  }

  /** Stops referring to `bytes` (a block about to be handed to another thread). */
  release(bytes: Buffer): void {
    if (this.#lastBytes === bytes) this.#last();
  }

  /** Events verified so far (every well-formed line). */
  get events(): number {
    return this.#events;
  }

  /**
   * Verifies one stored line (without its newline). `incompleteTail` marks a last line with no
   * newline after it; `newestFile` says whether that file is the live end of the log. Returns the
   * parsed object for mappers, or `null` when the line is not a usable record.
   */
  verifyLine(
    line: Buffer,
    lineNo: number,
    incompleteTail = false,
    newestFile = true,
  ): Record<string, unknown> | null {
    const file = this.#current;
    if (!file) throw new Error("ChainVerifier: verifyLine called without beginFile");
    const at = { file: file.path, line: lineNo };
    const read = readRecordLine(line);
    if ("error" in read) {
      this.#unreadable(read, at, incompleteTail && newestFile);
      return null;
    }
    const { record, hash, prev, span } = read;
    // Events up to a trusted checkpoint are not re-hashed.
    if (this.#anchorState !== "pending") this.#checkHash(read.line, span, hash, at);
    this.#accept(file, hash, prev, at);
    this.#checkTime(record.timestamp, at);
    return record;
  }

  /**
   * Reports a line longer than {@link MAX_LINE_BYTES} that the reader did not keep (see
   * `LineBatch.overlongBytes`), as {@link verifyLine} reports a line it cannot read.
   */
  verifyOverlong(bytes: number, lineNo: number, incompleteTail = false, newestFile = true): void {
    const file = this.#current;
    if (!file) throw new Error("ChainVerifier: verifyOverlong called without beginFile");
    this.#unreadable(overlongLine(bytes), { file: file.path, line: lineNo }, incompleteTail && newestFile);
  }

  /** A line that is not a record: a truncated tail at the live end of the log, else malformed. */
  #unreadable(read: UnreadableLine, at: { file: string; line: number }, liveTail: boolean): void {
    if (read.unparsable && liveTail)
      this.#add(
        "truncated_tail",
        "warning",
        at,
        null,
        null,
        `incomplete last line (${read.bytes} bytes, no newline): a crash mid-write or a live log`,
      );
    else this.#add("malformed", "error", at, null, read.hash, read.error);
  }

  /**
   * Verifies line `index` of a scanned block (see `scanBlock`) without its bytes: the hash was
   * computed by the scan, `hash`/`prev_hash`/`timestamp` were located by bytes. Lines the scan
   * could not read (status 3) go through {@link verifyLine} with their copied bytes.
   */
  verifyScanned(bytes: Buffer, scan: BlockScan, index: number, lineNo: number): void {
    const file = this.#current;
    if (!file) throw new Error("ChainVerifier: verifyScanned called without beginFile");
    const status = scan.status[index] as number;
    if (status === 3) {
      const from = scan.lineStart[index] as number;
      let to = bytes.indexOf(0x0a, from);
      if (to > from && bytes[to - 1] === 0x0d) to--;
      this.verifyLine(bytes.subarray(from, to), lineNo);
      return;
    }
    const hashAt = scan.hashAt[index] as number;
    // The common case, without a string: in the chain's mode, and prev_hash equals the previous
    // hash byte for byte.
    if (
      this.#lastBytes !== null &&
      file.first_hash !== null &&
      status === (this.#mode === "blank" ? 0 : this.#mode === "omit" ? 1 : -1) &&
      this.#anchorState !== "pending"
    ) {
      const prevAt = scan.prevAt[index] as number;
      const prevEnd = scan.prevEnd[index] as number;
      if (prevEnd - prevAt === 64 && sameBytes(bytes, prevAt, this.#lastBytes, this.#lastAt)) {
        this.#events++;
        file.events++;
        this.#lastBytes = bytes;
        this.#lastAt = hashAt;
        this.#checkTimeMs(scan.times[index] as number, file.path, lineNo);
        return;
      }
    }
    const at = { file: file.path, line: lineNo };
    // As JSON reads them: the scan only passes values without escapes, in valid UTF-8.
    const hash = bytes.toString("utf8", hashAt, hashAt + 64);
    const prev = bytes.toString("utf8", scan.prevAt[index] as number, scan.prevEnd[index] as number);
    if (this.#anchorState !== "pending")
      this.#judgeHash(status as 0 | 1 | 2, scan.blanks[index] ?? null, hash, at);
    this.#accept(file, hash, prev, at);
    this.#lastBytes = bytes;
    this.#lastAt = hashAt;
    this.#checkTimeMs(scan.times[index] as number, at.file, at.line);
  }

  #checkHash(line: Buffer, span: HashSpan, stored: string, at: { file: string; line: number }): void {
    const blank = sha256HexOfParts(line.subarray(0, span.valueStart), line.subarray(span.valueEnd));
    if (blank === stored) {
      this.#judgeHash(0, null, stored, at);
      return;
    }
    const omit = sha256HexOfParts(line.subarray(0, span.memberStart), line.subarray(span.memberEnd));
    this.#judgeHash(omit === stored ? 1 : 2, blank, stored, at);
  }

  /**
   * Judges a line's hash: status 0 matched with the value blanked, 1 with the member omitted, 2
   * neither. The writer's mode is taken from the first line that matches one, then held.
   */
  #judgeHash(
    status: 0 | 1 | 2,
    blank: string | null,
    stored: string,
    at: { file: string; line: number },
  ): void {
    if (this.#mode === null && status <= 1) this.#mode = status === 0 ? "blank" : "omit";
    const matched = (this.#mode === "blank" && status === 0) || (this.#mode === "omit" && status === 1);
    if (matched) return;
    const detail = status <= 1 ? " (hashed with the other recipe than the rest of the chain)" : "";
    this.#add(
      "hash_mismatch",
      "error",
      at,
      stored,
      status === 0 ? null : blank,
      `content does not match its hash (edited)${detail}`,
    );
  }

  /** Counts a well-formed event, links it, and passes the checkpoint when it is the one. */
  #accept(file: ChainFileInfo, hash: string, prev: string, at: { file: string; line: number }): void {
    this.#events++;
    file.events++;
    if (file.first_hash === null) {
      file.first_hash = hash;
      file.first_prev_hash = prev;
    }
    file.last_hash = hash;
    this.#checkLink(prev, hash, at);
    if (this.#anchorState === "pending" && this.#anchor && hash === this.#anchor.hash) {
      this.#anchorState = "passed";
      this.#anchorType = "checkpoint";
      this.#eventsBeforeAnchor = this.#events;
    }
  }

  #checkLink(prev: string, hash: string, at: { file: string; line: number }): void {
    if (!this.#linked) {
      this.#linked = true;
      if (prev === GENESIS) this.#anchorType = "genesis";
      else if (this.#anchor && prev === this.#anchor.hash) {
        this.#anchorType = "checkpoint";
        this.#anchorState = "passed";
        this.#eventsBeforeAnchor = this.#anchor.events;
      } else if (this.#anchorState !== "pending") {
        this.#add(
          "genesis_missing",
          "error",
          at,
          GENESIS,
          prev,
          "the chain does not start at genesis and no trusted checkpoint anchors it",
        );
      }
    } else if (prev !== this.#last()) {
      this.#add(
        "link_break",
        "error",
        at,
        this.#last(),
        prev,
        "prev_hash does not match the previous event's hash (deletion, insertion or reorder)",
      );
    }
    this.#lastHash = hash;
    this.#lastBytes = null;
  }

  #checkTime(value: unknown, at: { file: string; line: number }): void {
    if (typeof value === "string") this.#checkTimeMs(Date.parse(value), at.file, at.line);
  }

  #checkTimeMs(time: number, file: string, line: number): void {
    if (Number.isNaN(time)) return;
    if (time < this.#lastTime) {
      const at = { file, line };
      this.#add(
        "timestamp_regression",
        "warning",
        at,
        null,
        new Date(time).toISOString(),
        "timestamp is earlier than the previous event's",
      );
    }
    this.#lastTime = time;
  }

  #add(
    kind: FindingKind,
    severity: "error" | "warning",
    at: { file: string; line: number },
    expected: string | null,
    actual: string | null,
    message: string,
  ): void {
    this.#findingCounts[kind] = (this.#findingCounts[kind] ?? 0) + 1;
    if (severity === "error") this.#errors++;
    if (this.#findings.length < this.#maxFindings) {
      this.#findings.push({ kind, severity, file: at.file, line: at.line, expected, actual, message });
    }
  }

  /** Counts of findings by kind so far. */
  get findingCounts(): Readonly<Record<string, number>> {
    return this.#findingCounts;
  }

  /** The verdict: verified when there are events and no error-level finding. */
  result(verifiedAt: Date): AuditLogIntegrity {
    if (this.#current) throw new Error("ChainVerifier: result called inside a file");
    if (this.#anchorState === "pending" && !this.#finished) {
      this.#add(
        "genesis_missing",
        "error",
        { file: this.#files[0]?.path ?? "", line: 1 },
        this.#anchor?.hash ?? null,
        null,
        "the trusted checkpoint was not found in the log",
      );
    }
    this.#finished = true;
    const verified = this.#events > 0 && this.#errors === 0;
    return {
      algorithm: "sha256",
      recipe:
        'sha256 of the stored line with the hash value blanked ("hash":"") or the hash member omitted, hex, lowercase; first prev_hash "genesis"',
      hash_mode: this.#mode ?? "blank",
      verified,
      verified_at: verifiedAt.toISOString(),
      // How this read was anchored: a resumed one by the checkpoint it trusted.
      anchor: this.#resumed
        ? {
            type: "checkpoint",
            hash: this.#resumed.hash,
            events_before: this.#resumed.events,
            checkpoint_sha256: this.#resumed.checkpointSha256,
          }
        : {
            type: this.#anchorType,
            hash: this.#anchorType === "checkpoint" ? (this.#anchor?.hash ?? null) : null,
            events_before: this.#eventsBeforeAnchor,
          },
      total_events: this.#events,
      chain_head: this.#last(),
      files: this.#files,
      finding_counts: { ...this.#findingCounts },
      findings: this.#findings,
      findings_omitted: Object.values(this.#findingCounts).reduce((a, b) => a + b, 0) - this.#findings.length,
    };
  }
}

/** Whether the 64 bytes at `a[i]` equal those at `b[j]` (a JS loop: cheaper than a native call here). */
function sameBytes(a: Buffer, i: number, b: Buffer, j: number): boolean {
  for (let k = 0; k < 64; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}
