import type { AuditLineSource } from "@iddio-compliance/core/verify";
import type { PostgresSource } from "@iddio-compliance/source-postgres";
import type { CliIo } from "../cli-io.ts";
import { UsageError } from "../usage-error.ts";
import { resolveSource } from "./default-source.ts";

/** The flags that choose what `export` and `verify` read. */
export interface SourceFlags {
  source?: string | undefined;
  org?: string | undefined;
}

/**
 * `--source PATH` (an iddio home, folder or file; default `$IDDIO_HOME`, else `~/.iddio`) or
 * `--source postgres://…` with `--org ID` (required there, refused elsewhere).
 */
export async function auditSource(flags: SourceFlags, io: CliIo): Promise<string | PostgresSource> {
  if (flags.source && /^postgres(ql)?:\/\//i.test(flags.source)) {
    if (!flags.org)
      throw new UsageError(
        "--org is required with a PostgreSQL --source: name the organisation whose audit events to read",
      );
    // Loaded only for a PostgreSQL source: reading files never pays for the driver.
    const { postgresSource, validateOrgId } = await import("@iddio-compliance/source-postgres");
    return postgresSource({ url: flags.source, orgId: validateOrgId(flags.org, "--org") });
  }
  if (flags.org !== undefined)
    throw new UsageError("--org applies only to a PostgreSQL --source (postgres://…)");
  return resolveSource(flags.source, io);
}

/** Whether a source is a PostgreSQL one (it can name the rows findings point at). */
export function isPostgresSource(source: string | AuditLineSource): source is PostgresSource {
  return typeof source !== "string" && source.type === "postgres" && "rowIds" in source;
}
