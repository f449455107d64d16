import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, it } from "vitest";

/** How to get a PostgreSQL for these tests, printed when there is none. */
const HOW_TO_START_POSTGRES =
  "start one and set IDDIO_TEST_DATABASE_URL, e.g. as .ci/run does: initdb -D /tmp/pg -U postgres --auth=trust && pg_ctl -D /tmp/pg -o '-c listen_addresses=127.0.0.1 -p 55432 -k /tmp' -w start && createdb -h 127.0.0.1 -p 55432 -U postgres iddio_test && export IDDIO_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/iddio_test";

/** The test database URL, or `undefined` when none is configured. */
function testDatabaseUrl(): string | undefined {
  return process.env.IDDIO_TEST_DATABASE_URL || undefined;
}

/**
 * `describe` for tests that need a real PostgreSQL: runs them when `IDDIO_TEST_DATABASE_URL` is
 * set; otherwise skips them with a message saying how to start one, except under
 * `IDDIO_REQUIRE_POSTGRES=1` (CI), where the missing database is a failing test.
 */
export function describePostgres(name: string, body: (url: string) => void): void {
  const url = testDatabaseUrl();
  if (url) {
    describe(name, () => body(url));
  } else if (process.env.IDDIO_REQUIRE_POSTGRES === "1") {
    describe(name, () => {
      it("runs against PostgreSQL, which IDDIO_REQUIRE_POSTGRES=1 requires", () => {
        throw new Error(
          `IDDIO_REQUIRE_POSTGRES=1 but IDDIO_TEST_DATABASE_URL is not set: ${HOW_TO_START_POSTGRES}`,
        );
      });
    });
  } else {
    console.warn(`[iddio-compliance] skipping "${name}": no PostgreSQL; ${HOW_TO_START_POSTGRES}`);
    describe.skip(`${name} — skipped: no PostgreSQL (${HOW_TO_START_POSTGRES})`, () => body(""));
  }
}

/** A schema of its own for one test file, and a URL whose connections see it first on the search path. */
export interface TestSchema {
  readonly name: string;
  /** The database URL with `options=-c search_path=<schema>`. */
  readonly url: string;
  /** A connection for the test's own setup and assertions. */
  readonly client: pg.Client;
  /** Drops the schema with everything in it and closes {@link client}. */
  drop(): Promise<void>;
}

/** Creates a uniquely named schema (`iddio_t_<label>_<random>`). */
export async function createTestSchema(baseUrl: string, label: string): Promise<TestSchema> {
  const name = `iddio_t_${label.replace(/[^a-z0-9_]/g, "_")}_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: baseUrl });
  client.on("error", () => {});
  await client.connect();
  await client.query(`CREATE SCHEMA "${name}"`);
  await client.query(`SET search_path TO "${name}"`);
  const url = new URL(baseUrl);
  url.searchParams.set("options", `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    client,
    async drop() {
      await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
