import { describe, expect, it } from "vitest";
import { integer, namedBits, oid, sequence, time } from "./der.ts";

describe("DER encoding", () => {
  it("encodes integers minimally and adds a zero byte before a high bit", () => {
    expect(integer(0).toString("hex")).toBe("020100");
    expect(integer(2).toString("hex")).toBe("020102");
    expect(integer(128).toString("hex")).toBe("02020080");
    expect(integer(Buffer.from([0, 0, 0x7f])).toString("hex")).toBe("02017f");
  });

  it("encodes object identifiers with base-128 arcs", () => {
    expect(oid("1.3.101.112").toString("hex")).toBe("06032b6570");
    expect(oid("2.5.29.17").toString("hex")).toBe("0603551d11");
    expect(oid("1.3.6.1.5.5.7.3.2").toString("hex")).toBe("06082b06010505070302");
  });

  it("uses long-form lengths above 127 bytes", () => {
    const long = sequence(Buffer.alloc(200));
    expect(long.subarray(0, 3).toString("hex")).toBe("3081c8");
  });

  it("writes key usage bits with the unused-bit count", () => {
    expect(namedBits([0]).toString("hex")).toBe("03020780");
    expect(namedBits([5, 6]).toString("hex")).toBe("03020106");
  });

  it("uses UTCTime before 2050 and GeneralizedTime after", () => {
    expect(
      time(Date.UTC(2026, 1, 8, 10, 15, 30))
        .toString("latin1")
        .slice(2),
    ).toBe("260208101530Z");
    expect(
      time(Date.UTC(2050, 0, 1))
        .toString("latin1")
        .slice(2),
    ).toBe("20500101000000Z");
  });
});
