import { createHash } from "node:crypto";
import { createReadStream, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ComplianceError } from "../errors/compliance-error.ts";
import { openRegularFile } from "../io/regular-file.ts";

/** A session recording file. */
export interface RecordingFile {
  type: "exec" | "api";
  path: string;
  bytes: number;
}

/**
 * Lists `recordings/exec/` and `recordings/api/` by session id (the file name without its
 * extension); `null` when the home has no `recordings/` folder. Only regular files (or symbolic
 * links to one) are recordings: a FIFO, a device, a dangling link or a link loop is not listed, so
 * a session whose recording it should be counts as missing.
 */
export function listRecordings(home: string): Map<string, RecordingFile> | null {
  const root = join(home, "recordings");
  try {
    statSync(root);
  } catch {
    return null;
  }
  const out = new Map<string, RecordingFile>();
  for (const type of ["exec", "api"] as const) {
    let names: string[] = [];
    try {
      names = readdirSync(join(root, type));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const path = join(root, type, name);
      let stat: ReturnType<typeof statSync>;
      try {
        stat = statSync(path);
      } catch {
        continue; // a dangling link or a link loop
      }
      if (!stat.isFile()) continue;
      const id = name.replace(/\.[^.]*$/, "");
      out.set(id, { type, path, bytes: stat.size });
    }
  }
  return out;
}

/**
 * SHA-256 of a recording, streamed (any size, in bounded memory). Throws `INPUT_UNREADABLE` naming
 * it when it is no longer a regular file (it changed since it was listed).
 */
export async function sha256OfFile(path: string): Promise<string> {
  const file = openRegularFile(path);
  if (!file)
    throw new ComplianceError("INPUT_UNREADABLE", `cannot read "${path}": it no longer exists`, {
      subject: path,
    });
  const hash = createHash("sha256");
  for await (const chunk of createReadStream("", { fd: file.fd })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
