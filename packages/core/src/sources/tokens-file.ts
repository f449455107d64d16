import { createHash } from "node:crypto";
import { join } from "node:path";
import { tokensFileSchema } from "@iddio-compliance/schema";
import { parse as parseYaml } from "yaml";
import { ComplianceError } from "../errors/compliance-error.ts";
import { readOptionalText } from "./optional-file.ts";

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
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (cause) {
    const line = (cause as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    // The YAML parser's message can quote the offending line, which may hold a token: not kept.
    throw new ComplianceError("INPUT_UNREADABLE", `${path}${line ? `:${line}` : ""}: invalid YAML`, { subject: path });
  }
  const parsed = tokensFileSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ComplianceError("INPUT_UNREADABLE", `${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.code === "invalid_type" ? `expected ${(issue as { expected?: string }).expected}` : "invalid value"}`, { subject: path });
  }
  return parsed.data.tokens.map((t) => ({ agent: t.agent, fingerprint: tokenFingerprint(t.token), created_at: t.created_at ?? null }));
}
