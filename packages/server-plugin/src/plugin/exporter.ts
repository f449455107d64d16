import type { ExportEvidenceOptions } from "@iddio-compliance/core";
import { ServerPluginError } from "../errors/server-plugin-error.ts";

/**
 * The export function the plugin calls: the subset of core's `exportEvidence` contract it uses.
 * It must write a complete package into `output` atomically (`summary.json` with the manifest).
 */
export type Exporter = (
  options: Pick<
    ExportEvidenceOptions,
    | "source"
    | "from"
    | "to"
    | "timeZone"
    | "format"
    | "output"
    | "ledgers"
    | "anchor"
    | "now"
    | "signal"
    | "sign"
    | "previous"
    | "resumeFrom"
  >,
) => Promise<{
  summary: { integrity: { verified: boolean; chain_head: string | null; chain_events: number } };
  verified: boolean;
  chainHead: string | null;
  totalEvents: number;
  /** SHA-256 of the package's `checkpoint.json`. */
  checkpointSha256: string;
  /** Whether the export read only the log after `resumeFrom`, or why it read the whole log. */
  resume: { resumed: boolean; fallback: string | null };
}>;

/** `exportEvidence` from `@iddio-compliance/core`, loaded on first use. */
export const coreExporter: Exporter = async (options) => {
  const core = (await import("@iddio-compliance/core")) as unknown as { exportEvidence?: Exporter };
  if (typeof core.exportEvidence !== "function") {
    throw new ServerPluginError(
      "EXPORTER_UNAVAILABLE",
      "@iddio-compliance/core does not export exportEvidence",
    );
  }
  return core.exportEvidence(options);
};
