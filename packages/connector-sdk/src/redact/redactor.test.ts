import { describe, expect, it } from "vitest";
import { collectSecrets, createRedactor } from "./redactor.ts";

describe("redactor", () => {
  it("collects values under secret-looking keys at any depth", () => {
    const config = {
      client_id: "public",
      client_secret: "s3cret-value",
      nested: { api_key: "key-123", list: [{ password: "pw-456" }] },
      token_ttl: 5,
      secret: ["whsec_a", "whsec_b"],
    };
    expect(collectSecrets(config).sort()).toEqual([
      "key-123",
      "pw-456",
      "s3cret-value",
      "whsec_a",
      "whsec_b",
    ]);
  });

  it("replaces known secrets, also URL-encoded, and secrets learnt later", () => {
    const redactor = createRedactor(["p@ss/word+1"]);
    redactor.add("runtime-token-xyz");
    const text = redactor.redact("p@ss/word+1 and p%40ss%2Fword%2B1 and runtime-token-xyz");
    expect(text).toBe("[REDACTED] and [REDACTED] and [REDACTED]");
  });

  it("replaces bearer tokens, whsec keys, credentials in URLs and secret JSON fields it was never told about", () => {
    const redactor = createRedactor();
    expect(redactor.redact("Authorization: Bearer abc.def-ghi")).not.toContain("abc.def-ghi");
    expect(redactor.redact("key whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw= used")).toBe("key [REDACTED] used");
    expect(redactor.redact("https://user:pa55@host/x?api_key=k123&x=1")).toBe(
      "https://[REDACTED]@host/x?api_key=[REDACTED]&x=1",
    );
    expect(redactor.redact('{"access_token":"tok-1","expires_in":3600}')).toBe(
      '{"access_token":"[REDACTED]","expires_in":3600}',
    );
  });

  it("replaces credential headers whole", () => {
    const redactor = createRedactor(["zzz-secret"]);
    expect(
      redactor.redactHeaders({ Authorization: "Bearer x", "x-api-key": "k", "x-note": "has zzz-secret" }),
    ).toEqual({
      Authorization: "[REDACTED]",
      "x-api-key": "[REDACTED]",
      "x-note": "has [REDACTED]",
    });
  });

  it("ignores secrets too short to redact without garbling text", () => {
    expect(createRedactor(["ab"]).redact("abc")).toBe("abc");
  });
});
