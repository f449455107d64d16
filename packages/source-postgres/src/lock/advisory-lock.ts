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

/** Options of {@link tryAdvisoryLock}. */
export interface AdvisoryLockOptions {
  /** How long to wait for a lock another session holds (PostgreSQL's `lock_timeout`); 0 never waits. @default 0 */
  waitMs?: number;
  /** Stops waiting (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * Takes a session-level advisory lock on its own connection: at once (`pg_try_advisory_lock`), or
 * waiting up to `waitMs` for the session holding it (`pg_advisory_lock` under `lock_timeout`).
 * Returns `null` when another session still holds it. The lock lives exactly as long as the
 * connection: released by {@link AdvisoryLockLease.release}, and by PostgreSQL itself when the
 * process holding it crashes and its connection closes.
 */
export async function tryAdvisoryLock(
  url: string,
  key: AdvisoryLockKey,
  options: AdvisoryLockOptions = {},
): Promise<AdvisoryLockLease | null> {
  options.signal?.throwIfAborted();
  const location = redactPostgresUrl(url);
  const waitMs = Math.max(0, Math.floor(options.waitMs ?? 0));
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
  // Aborting a wait closes the connection: PostgreSQL then drops the waiting request with it.
  const stop = () => void client.end().catch(() => {});
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    await client.connect();
    if (waitMs === 0) {
      const result = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock($1::int4, $2::int4) AS locked",
        [key[0], key[1]],
      );
      locked = result.rows[0]?.locked === true;
    } else {
      await client.query(`SET lock_timeout = ${waitMs}`);
      try {
        await client.query("SELECT pg_advisory_lock($1::int4, $2::int4)", [key[0], key[1]]);
        locked = true;
      } catch (error) {
        // 55P03 lock_not_available: the wait ran out with the lock still held elsewhere.
        if ((error as { code?: unknown }).code !== "55P03") throw error;
      }
      if (locked) await client.query("SET lock_timeout = 0");
    }
  } catch (cause) {
    released = true;
    await client.end().catch(() => {});
    options.signal?.throwIfAborted();
    throw new ComplianceError(
      "INPUT_UNREADABLE",
      `cannot take the export lock in PostgreSQL at ${location}: ${scrub((cause as Error).message, urlSecrets(url))}`,
      { subject: location, cause },
    );
  } finally {
    options.signal?.removeEventListener("abort", stop);
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
