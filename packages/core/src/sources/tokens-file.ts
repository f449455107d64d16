import { createHash } from "node:crypto";
import { join } from "node:path";
import { tokensFileSchema } from "@iddio-compliance/schema";
import { readOptionalText } from "./optional-file.ts";
import { parseYamlInput } from "./yaml-file.ts";

/** A token of `tokens.yaml`, reduced to what may leave the reader. */
export interface TokenFingerprint {
  agent: string;
  /** `sha256:<hex>` of the token value. The value itself is never kept. */
  fingerprint: string;
  created_at: string | null;
}

/** The fingerprint iddio-compliance uses for a bearer token: `sha256:` + hex SHA-256 of the value. */
export function tokenFingerprint(token: string): string {
  return `sha256:${createHash("sha256").update(token).digest("hex")}`;
}

/**
 * Reads `tokens.yaml` from an iddio home; `null` when absent. Token values are fingerprinted and
 * dropped here, and errors never quote the file's content.
 */
export function readTokensFile(home: string): TokenFingerprint[] | null {
  const path = join(home, "tokens.yaml");
  const text = readOptionalText(path);
  if (text === null) return null;
  const { data } = parseYamlInput(path, text, tokensFileSchema, { secret: true });
  return data.tokens.map((t) => ({
    agent: t.agent,
    fingerprint: tokenFingerprint(t.token),
    created_at: t.created_at ?? null,
  }));
}
