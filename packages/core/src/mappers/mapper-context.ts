import type { CriterionDocument } from "@iddio-compliance/schema";
import type { CertificateInfo } from "../sources/certificates.ts";
import type { PolicyFile } from "../sources/policy-file.ts";
import type { RecordLocation } from "../sources/read-audit-chain.ts";
import type { RecordingFile } from "../sources/recordings.ts";
import type { TokenFingerprint } from "../sources/tokens-file.ts";
import type { LocalDates, Period } from "../time/period.ts";

/** The optional inputs beside the audit log (DESIGN §3.3); `null` means absent. */
export interface HomeInputs {
  home: string;
  policy: PolicyFile | null;
  tokens: TokenFingerprint[] | null;
  agentCerts: Map<string, CertificateInfo> | null;
  proxyCert: CertificateInfo | null;
  recordings: Map<string, RecordingFile> | null;
}

/** A command audit event, as the mappers read it. */
export interface CommandEvent {
  timestamp: string;
  agent: string;
  method: string;
  path: string;
  namespace: string;
  resource: string;
  tier: number;
  decision: "allow" | "escalate" | "deny";
  protocol: string;
  identity: string | undefined;
  request_id: string | undefined;
  approval: string | undefined;
  approver: string | undefined;
  approval_wait_ms: number | undefined;
  session_id: string | undefined;
}

/** Where a record sits relative to the period, and when it happened. */
export interface RecordTime {
  ms: number;
  before: boolean;
  inPeriod: boolean;
  after: boolean;
}

/** Everything a mapper needs besides the records. */
export interface MapperContext {
  period: Period;
  /** The `period` every document starts with. */
  periodHeader: { from: string; to: string; time_zone: string; incomplete: boolean };
  /** Where a list of a criterion document is in this package's format (a reason's `detail`). */
  listLocation: (doc: CriterionDocument, pointer: string) => string;
  dates: LocalDates;
  inputs: HomeInputs;
  /** Folder for spooled lists (outside the package). */
  spoolDir: string;
  /** The clock of the export. */
  now: Date;
}

/** One criterion's mapper: fed every record once, in chain order, then asked for its document. */
export interface Mapper {
  /**
   * A command event of the period, or an escalation from the lookback before it (see
   * `APPROVAL_LOOKBACK_MS`); other command events outside the period are not passed on.
   */
  command(event: CommandEvent, time: RecordTime, at: RecordLocation): void;
  lifecycle(record: Record<string, unknown>, kind: string, time: RecordTime, at: RecordLocation): void;
  /** A record of an unknown kind, or a command event of the period without valid agent, tier or decision. */
  unrecognised?(record: Record<string, unknown>, time: RecordTime): void;
}

/** Reads an optional string field. */
export function str(record: Record<string, unknown>, key: string): string | undefined {
  const v = record[key];
  return typeof v === "string" ? v : undefined;
}

/** Reads an optional integer field. */
export function int(record: Record<string, unknown>, key: string): number | undefined {
  const v = record[key];
  return typeof v === "number" && Number.isInteger(v) ? v : undefined;
}

/** `"12 of 340 (3.53%)"`: a count never appears without what it is out of. */
export function ofTotal(count: number, total: number): string {
  const pct = total === 0 ? "0.00" : ((count / total) * 100).toFixed(2);
  return `${count} of ${total} (${pct}%)`;
}

/** An instant as an RFC 3339 UTC timestamp, with milliseconds only when it has some. */
export function stampOfMs(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, 19)}Z` : iso;
}

/** Sorts strings by code unit, the same on every machine (no locale). */
export function sortStrings(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
