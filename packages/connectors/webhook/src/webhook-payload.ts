import { createHash } from "node:crypto";
import type { CriterionKey, EvidencePackage, EvidenceSummary } from "@iddio-compliance/connector-sdk";

/** The event type of a package delivery. */
export const PACKAGE_EVENT_TYPE = "iddio.compliance.package";

/** One file of a delivery: inline (`content`) while within the size bound, else only its digest. */
export interface WebhookFile {
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  criterion: CriterionKey | null;
  inline: boolean;
  /** `utf8` text or `base64` bytes; absent when not inline. */
  encoding?: "utf8" | "base64";
  content?: string;
}

/** The JSON body of a package delivery. */
export interface PackageWebhookPayload {
  type: typeof PACKAGE_EVENT_TYPE;
  timestamp: string;
  data: { package_sha256: string; summary: EvidenceSummary; files: WebhookFile[] };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function encode(bytes: Uint8Array): { encoding: "utf8" | "base64"; content: string } {
  try {
    return { encoding: "utf8", content: utf8.decode(bytes) };
  } catch {
    return { encoding: "base64", content: Buffer.from(bytes).toString("base64") };
  }
}

/**
 * The delivery body. Deterministic for a package (its `timestamp` is the package's `generated_at`),
 * so a re-delivery carries the same bytes under the same `webhook-id`.
 */
export function packagePayload(pkg: EvidencePackage, inlineMaxBytes: number): PackageWebhookPayload {
  let budget = inlineMaxBytes;
  const files = pkg.files.map((file): WebhookFile => {
    const base = {
      name: file.name,
      media_type: file.mediaType,
      size: file.size,
      sha256: file.sha256,
      criterion: file.criterion ?? null,
    };
    if (file.size > budget) return { ...base, inline: false };
    budget -= file.size;
    return { ...base, inline: true, ...encode(file.bytes) };
  });
  const generated = Date.parse(pkg.summary.generated_at);
  return {
    type: PACKAGE_EVENT_TYPE,
    timestamp: Number.isNaN(generated) ? pkg.summary.generated_at : new Date(generated).toISOString(),
    data: { package_sha256: pkg.sha256, summary: pkg.summary, files },
  };
}

/**
 * The `webhook-id` of a package's delivery by one connector: `msg_` and the first 40 hex digits of
 * SHA-256(`<summary.json digest>:<connector name>`). Computed from nothing else (no clock, no random),
 * so every retry, re-push and process restart sends the same id; another connector instance (another
 * receiver) or another package (a re-export of the period included) gets another one.
 */
export function webhookId(pkg: EvidencePackage, connector: string): string {
  return `msg_${createHash("sha256").update(`${pkg.sha256}:${connector}`).digest("hex").slice(0, 40)}`;
}
