import { describe, expect, it } from "vitest";
import { isPostgresUrl, redactPostgresUrl, urlSecrets } from "./redact-url.ts";

describe("redactPostgresUrl", () => {
  it("replaces the password and keeps user, host, port, database and parameters", () => {
    expect(redactPostgresUrl("postgres://iddio:p%40ss@db.internal:5433/iddio?sslmode=require")).toBe(
      "postgres://iddio:***@db.internal:5433/iddio?sslmode=require",
    );
  });

  it("redacts a password given as a parameter", () => {
    expect(redactPostgresUrl("postgresql://iddio@db/iddio?password=hunter2&application_name=x")).toBe(
      "postgresql://iddio@db/iddio?password=***&application_name=x",
    );
  });

  it("leaves a URL without secrets as it is", () => {
    expect(redactPostgresUrl("postgres://postgres@127.0.0.1:5432/iddio_test")).toBe(
      "postgres://postgres@127.0.0.1:5432/iddio_test",
    );
  });

  it("reduces an unparsable URL to its scheme", () => {
    expect(redactPostgresUrl("postgres://user:pw@[bad")).toBe("postgres://***");
  });

  it("lists the secrets to scrub, encoded and decoded", () => {
    expect(urlSecrets("postgres://u:p%40ss@h/d?password=x")).toEqual(["p@ss", "p%40ss", "x"]);
  });

  it("recognises postgres:// and postgresql:// sources only", () => {
    expect([
      isPostgresUrl("postgres://h/d"),
      isPostgresUrl("POSTGRESQL://h/d"),
      isPostgresUrl("/var/iddio"),
      isPostgresUrl("mysql://h"),
    ]).toEqual([true, true, false, false]);
  });
});
