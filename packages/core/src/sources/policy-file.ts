import { createHash } from "node:crypto";
import { join } from "node:path";
import { policySchema } from "@iddio-compliance/schema";
import { parse as parseYaml } from "yaml";
import { ComplianceError } from "../errors/compliance-error.ts";
import { readOptionalText } from "./optional-file.ts";

/** The current `policy.yaml`, as the policy snapshot evidence needs it. */
export interface PolicyFile {
  path: string;
  version: string | null;
  /** SHA-256 of the file bytes. */
  sha256: string;
  /** The policy as a plain object. */
  snapshot: unknown;
}

/** Reads `policy.yaml` from an iddio home; `null` when absent. Errors name the file and line. */
export function readPolicyFile(home: string): PolicyFile | null {
  const path = join(home, "policy.yaml");
  const text = readOptionalText(path);
  if (text === null) return null;
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (cause) {
    const line = (cause as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new ComplianceError("INPUT_UNREADABLE", `${path}${line ? `:${line}` : ""}: invalid YAML: ${(cause as Error).message.split("\n")[0]}`, { subject: path, cause });
  }
  const parsed = policySchema.safeParse(document ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ComplianceError("INPUT_UNREADABLE", `${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`, { subject: path });
  }
  const version = parsed.data.version;
  return {
    path,
    version: version === undefined ? null : String(version),
    sha256: createHash("sha256").update(text).digest("hex"),
    snapshot: document ?? {},
  };
}
