import type pg from "pg";
import type Cursor from "pg-cursor";

/** The driver modules, loaded on first use. */
export interface Driver {
  pg: typeof pg;
  Cursor: typeof Cursor;
}

let loading: Promise<Driver> | undefined;

/**
 * Loads `pg` and `pg-cursor` the first time a connection is needed: importing this package (the
 * CLI and the server plugin do, for every command) costs nothing until PostgreSQL is used.
 */
export function loadDriver(): Promise<Driver> {
  loading ??= Promise.all([import("pg"), import("pg-cursor")]).then(([p, c]) => ({
    pg: p.default,
    Cursor: c.default,
  }));
  return loading;
}
