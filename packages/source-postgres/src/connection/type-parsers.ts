import type { Driver } from "./load-driver.ts";

/** The driver's type parsers, except int8: it arrives as a string by default; audit integers (latency_us, wait times) fit a double. */
export function typeParsers(driver: Driver) {
  return {
    getTypeParser: (oid: number, format?: "text" | "binary") =>
      oid === 20 ? (v: string) => Number(v) : driver.pg.types.getTypeParser(oid, format ?? "text"),
  };
}
