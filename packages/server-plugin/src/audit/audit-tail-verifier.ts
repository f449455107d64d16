import { ChainVerifier } from "@iddio-compliance/core";

/** A problem the tail found in new audit lines. */
export interface TailAlert {
  kind: string;
  file: string;
  /** 1-based line number in `file`, counted from where the tail started reading it. */
  line: number;
}

// Kinds that mean the log was tampered with or damaged. `genesis_missing` is not one here: a live
// file continues the chain of rotated files the tail never read (the export verifies from genesis).
const ALERT_KINDS = ["hash_mismatch", "link_break", "malformed"] as const;

/**
 * Verifies audit lines as they are appended, with core's {@link ChainVerifier} (iddio's recipe),
 * so a tamper or link break is reported the moment its line arrives.
 */
export class AuditTailVerifier {
  #verifier = new ChainVerifier({ maxFindings: 0 });
  #file: string | null = null;
  #line = 0;
  #alerts = 0;
  #lines = 0;
  #seen: Record<string, number> = {};

  /** Lines verified so far. */
  get lines(): number {
    return this.#lines;
  }

  /** Alerts raised so far. */
  get alerts(): number {
    return this.#alerts;
  }

  /** Verifies `lines` (in order, without newlines) from `file`; returns one alert per problem found. */
  feed(lines: readonly string[], file = "audit.jsonl"): TailAlert[] {
    if (this.#file !== file) {
      if (this.#file !== null) this.#verifier.endFile(0, "");
      this.#verifier.beginFile(file, false);
      this.#file = file;
      this.#line = 0;
    }
    const alerts: TailAlert[] = [];
    for (const text of lines) {
      this.#line++;
      this.#lines++;
      this.#verifier.verifyLine(Buffer.from(text, "utf8"), this.#line);
      const counts = this.#verifier.findingCounts;
      for (const kind of ALERT_KINDS) {
        const now = counts[kind] ?? 0;
        if (now > (this.#seen[kind] ?? 0)) alerts.push({ kind, file, line: this.#line });
        this.#seen[kind] = now;
      }
    }
    this.#alerts += alerts.length;
    return alerts;
  }
}
