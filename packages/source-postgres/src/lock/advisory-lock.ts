import { createHash } from "node:crypto";
import { ComplianceError } from "@iddio-compliance/core";
import { loadDriver } from "../connection/load-driver.ts";
import { scrub } from "../connection/open-connection.ts";
import { redactPostgresUrl, urlSecrets } from "../connection/redact-url.ts";

/** The two int4 halves of an advisory lock key (`pg_try_advisory_lock(int4, int4)`). */
export type AdvisoryLockKey = readonly [number, number];

/** A held session-level advisory lock. */
export interface AdvisoryLockLease {
  readonly key: AdvisoryLockKey;
  /** Aborts when the lock's connection is lost (the lock is gone with it): stop the guarded work. */
  readonly signal: AbortSignal;
  /** Unlocks and closes the lock's connection; safe to call twice. */
  release(): Promise<void>;
}

/** Derives a lock key from a name: the first eight bytes of its SHA-256 as two signed int4. */
export function advisoryLockKey(name: string): AdvisoryLockKey {
  const digest = createHash("sha256").update(name, "utf8").digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}

/**
 * Tries to take a session-level advisory lock on its own connection (`pg_try_advisory_lock`, never
 * waiting). Returns `null` when another session holds it. The lock lives exactly as long as the
 * connection: released by {@link AdvisoryLockLease.release}, and by PostgreSQL itself when the
 * process holding it crashes and its connection closes.
 */
export async function tryAdvisoryLock(url: string, key: AdvisoryLockKey): Promise<AdvisoryLockLease | null> {
  const location = redactPostgresUrl(url);
  const lost = new AbortController();
  const { pg } = await loadDriver();
  const client = new pg.Client({ connectionString: url, application_name: "iddio-compliance-lock" });
  let released = false;
  const onLost = (error?: Error) => {
    if (!released)
      lost.abort(
        new ComplianceError(
          "INPUT_UNREADABLE",
          `lost the PostgreSQL advisory lock connection to ${location}${error ? `: ${scrub(error.message, urlSecrets(url))}` : ""}`,
          { subject: location },
        ),
      );
  };
  client.on("error", onLost);
  client.on("end", () => onLost());
  let locked = false;
  try {
    await client.connect();
    const result = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock($1::int4, $2::int4) AS locked",
      [key[0], key[1]],
    );
    locked = result.rows[0]?.locked === true;
  } catch (cause) {
    released = true;
    await client.end().catch(() => {});
    throw new ComplianceError(
      "INPUT_UNREADABLE",
      `cannot take the export lock in PostgreSQL at ${location}: ${scrub((cause as Error).message, urlSecrets(url))}`,
      { subject: location, cause },
    );
  }
  if (!locked) {
    released = true;
    await client.end().catch(() => {});
    return null;
  }
  return {
    key,
    signal: lost.signal,
    async release() {
      if (released) return;
      released = true;
      await client.query("SELECT pg_advisory_unlock($1::int4, $2::int4)", [key[0], key[1]]).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
