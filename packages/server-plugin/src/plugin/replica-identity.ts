import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { ServerPluginError } from "../errors/server-plugin-error.ts";
import { readJsonFile, writeFileAtomic } from "../util/atomic-write.ts";

/** Who this replica is: stable for as long as its state folder lives. */
export interface ReplicaIdentity {
  /** A random id, created with the state folder. */
  id: string;
  /** The host name, for operators reading owner records. */
  host: string;
}

/**
 * Reads the replica's identity from `<stateDir>/replica.json`, creating it on first start. Replicas
 * sharing one storage tell their packages apart by it: the id lives with the outbox it queued into.
 */
export async function loadReplicaIdentity(stateDir: string): Promise<ReplicaIdentity> {
  const path = join(stateDir, "replica.json");
  const raw = (await readJsonFile(path)) as { version?: unknown; id?: unknown } | undefined;
  if (raw === undefined) {
    const identity = { id: randomUUID(), host: hostname() };
    await writeFileAtomic(path, `${JSON.stringify({ version: 1, ...identity }, null, 2)}\n`);
    return identity;
  }
  if (raw.version !== 1 || typeof raw.id !== "string" || raw.id === "") {
    throw new ServerPluginError("STATE_UNREADABLE", `Replica identity ${path} is not a version 1 file`, {
      subject: path,
    });
  }
  return { id: raw.id, host: hostname() };
}
