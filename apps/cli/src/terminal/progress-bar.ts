import type { CliIo } from "../cli-io.ts";

/** Progress of a long read. */
export interface Progress {
  bytesRead: number;
  totalBytes: number | null;
  events: number;
}

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (quiet in pipes, CI
 * and logs). Returns the callback to feed and a function that clears the line.
 */
export function progressBar(io: CliIo, label: string): { update: (p: Progress) => void; done: () => void } {
  if (!io.stderr.isTTY) return { update: () => {}, done: () => {} };
  let drawn = false;
  const width = 30;
  return {
    update(p) {
      const ratio = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
      const filled = Math.round(ratio * width);
      const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
      io.stderr.write(
        `\r${label} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}%  ${p.events.toLocaleString("en-US")} events`,
      );
      drawn = true;
    },
    done() {
      if (drawn) io.stderr.write("\r\u001b[2K");
    },
  };
}
