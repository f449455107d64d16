import type { GenerateOptions } from "./options.ts";

/**
 * The exact options that produce the committed sample `examples/iddio-home/`: one quarter of
 * traffic (2026-01-01 … 2026-03-31) after two weeks of setup, 40,000 command events, rotated files
 * gzipped, a small live `audit.jsonl` holding the last 400 command events.
 */
export const SAMPLE_OPTIONS: Readonly<Omit<GenerateOptions, "outDir">> = Object.freeze({
  seed: "iddio-sample-2026q1",
  from: "2026-01-01",
  to: "2026-03-31",
  events: 40_000,
  agents: 14,
  hashMode: "blank",
  rotateEvents: 10_000,
  liveEvents: 400,
  gzipRotated: true,
  preambleDays: 14,
  apiSessions: 24,
});
