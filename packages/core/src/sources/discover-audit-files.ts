import { closeSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ComplianceError } from "../errors/compliance-error.ts";
import { openRegularFile } from "../io/regular-file.ts";

/** One audit log file found in a source. */
export interface AuditFile {
  path: string;
  /** Path as reported in evidence: relative to the source folder. */
  name: string;
  compressed: boolean;
  bytes: number;
}

/** What a source path resolved to. */
export interface AuditSource {
  /** The iddio home: where `policy.yaml`, `tokens.yaml`, `agents/`, `recordings/` are looked up. */
  home: string;
  files: AuditFile[];
}

const AUDIT_NAME = /^audit.*\.jsonl(\.gz)?$/;

/**
 * Resolves a source path: one audit log file, a folder holding `audit*.jsonl(.gz)`, or an iddio
 * home whose `audit/` folder holds them. File order is not decided here (it follows the chain).
 */
export function discoverAuditFiles(source: string): AuditSource {
  const path = resolve(source);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch (cause) {
    throw new ComplianceError("SOURCE_NOT_FOUND", `audit log source "${source}" does not exist`, {
      subject: source,
      cause,
    });
  }
  if (stat.isFile()) {
    const compressed = path.endsWith(".gz");
    return { home: dirname(path), files: [{ path, name: basename(path), compressed, bytes: stat.size }] };
  }
  if (!stat.isDirectory())
    throw new ComplianceError(
      "INPUT_UNREADABLE",
      `audit log source "${source}" is neither a regular file nor a folder`,
      { subject: source },
    );
  for (const dir of [path, join(path, "audit")]) {
    const files = listAuditFiles(dir, path);
    if (files.length > 0) return { home: path, files };
  }
  throw new ComplianceError(
    "SOURCE_EMPTY",
    `no audit log found in "${source}": expected audit*.jsonl or audit*.jsonl.gz there or in its audit/ folder`,
    { subject: source },
  );
}

function listAuditFiles(dir: string, root: string): AuditFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: AuditFile[] = [];
  for (const n of names.filter((name) => AUDIT_NAME.test(name)).sort()) {
    const p = join(dir, n);
    // An audit log that cannot be read is named, never skipped: skipping it would hide a gap.
    const file = openRegularFile(p);
    if (!file) continue; // removed since it was listed
    closeSync(file.fd);
    files.push({ path: p, name: p.slice(root.length + 1), compressed: n.endsWith(".gz"), bytes: file.size });
  }
  return files;
}
