import { describe, expect, it } from "vitest";
import { utcTimestamp } from "./utc-timestamp.ts";

const at = (raw: string) => utcTimestamp(raw, Date.parse(raw));

describe("utcTimestamp", () => {
  it("keeps a UTC timestamp exactly as the log wrote it", () => {
    for (const raw of ["2026-02-01T10:00:00Z", "2026-02-01T10:00:00.5Z", "2026-02-01T10:00:00.123456789Z"])
      expect(at(raw)).toBe(raw);
  });

  it("moves an offset timestamp to UTC and keeps its precision", () => {
    expect(at("2026-02-01T01:30:00+02:00")).toBe("2026-01-31T23:30:00Z");
    expect(at("2026-01-31T19:00:00.250-05:00")).toBe("2026-02-01T00:00:00.250Z");
    expect(utcTimestamp("2026-03-29T03:00:00.123456789+02:00", Date.parse("2026-03-29T01:00:00.123Z"))).toBe(
      "2026-03-29T01:00:00.123456789Z",
    );
  });

  it("keeps the instant: parsing the result gives the same milliseconds", () => {
    for (const raw of ["2026-12-31T23:59:59.999-10:00", "2026-07-01T00:00:00+14:00", "2026-01-01T00:00:00z"])
      expect(Date.parse(at(raw))).toBe(Date.parse(raw));
  });
});
