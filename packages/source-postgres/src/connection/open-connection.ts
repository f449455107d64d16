import { ComplianceError } from "@iddio-compliance/core";
import type pg from "pg";
import { loadDriver } from "./load-driver.ts";

/** A connection the source reads through; `close()` ends it only when the source opened it. */
export interface PgConnection {
  readonly client: pg.ClientBase;
  close(): Promise<void>;
}

/** Where to connect: a URL (the source opens and closes its own connection) or a caller's client. */
export interface ConnectTarget {
  url?: string | undefined;
  client?: pg.ClientBase | undefined;
}

/** Replaces every secret in a driver message with `***` (driver messages never should, but may, echo them). */
export function scrub(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) out = out.split(secret).join("***");
  return out;
}

/** A failed query as the source reports it: `INPUT_UNREADABLE` naming where, the driver's message scrubbed. */
export function unreadable(location: string, secrets: readonly string[], cause: unknown): ComplianceError {
  return new ComplianceError(
    "INPUT_UNREADABLE",
    `cannot read PostgreSQL at ${location}: ${scrub((cause as Error).message, secrets)}`,
    { subject: location, cause },
  );
}

/**
 * Opens a connection for one read. A given client is used as is and left open. An opened client
 * has an `error` listener (a connection killed between queries must not crash the process: the
 * next query fails instead) and an `application_name` so operators can see it in `pg_stat_activity`.
 */
export async function openConnection(
  target: ConnectTarget,
  location: string,
  secrets: readonly string[],
): Promise<PgConnection> {
  if (target.client) return { client: target.client, close: async () => {} };
  if (!target.url)
    throw new ComplianceError("INVALID_OPTION", "postgres source: give a url or a client", {
      subject: "url",
    });
  const { pg } = await loadDriver();
  const client = new pg.Client({ connectionString: target.url, application_name: "iddio-compliance" });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => {});
    throw new ComplianceError(
      "INPUT_UNREADABLE",
      `cannot connect to PostgreSQL at ${location}: ${scrub((cause as Error).message, secrets)}`,
      { subject: location },
    );
  }
  return {
    client,
    close: async () => {
      await client.end().catch(() => {});
    },
  };
}
