import { createHash } from "node:crypto";
import { createReadStream, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** A session recording file. */
export interface RecordingFile {
  type: "exec" | "api";
  path: string;
  bytes: number;
}

/**
 * Lists `recordings/exec/` and `recordings/api/` by session id (the file name without its
 * extension); `null` when the home has no `recordings/` folder.
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
      const stat = statSync(path);
      if (!stat.isFile()) continue;
      const id = name.replace(/\.[^.]*$/, "");
      out.set(id, { type, path, bytes: stat.size });
    }
  }
  return out;
}

/** SHA-256 of a file, streamed. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
