import { createHash } from "node:crypto";
import { join } from "node:path";
import { policySchema } from "@iddio-compliance/schema";
import { readOptionalText } from "./optional-file.ts";
import { parseYamlInput } from "./yaml-file.ts";

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
  const { document, data } = parseYamlInput(path, text, policySchema);
  const version = data.version;
  return {
    path,
    version: version === undefined ? null : String(version),
    sha256: createHash("sha256").update(text).digest("hex"),
    snapshot: document,
  };
}
