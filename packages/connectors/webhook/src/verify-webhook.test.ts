import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "./verify-webhook.ts";

const secret = `whsec_${randomBytes(24).toString("base64")}`;
const other = `whsec_${randomBytes(24).toString("base64")}`;
const body = JSON.stringify({
  type: "iddio.compliance.package",
  timestamp: "2026-03-31T23:59:59.000Z",
  data: { ok: true },
});
const now = 1_775_000_000_000;
const ts = Math.floor(now / 1000);

// Written from the spec with node:crypto, independent of signWebhook.
function signature(key: string, id: string, timestamp: number, payload: string): string {
  return `v1,${createHmac("sha256", Buffer.from(key.slice(6), "base64"))
    .update(`${id}.${timestamp}.${payload}`)
    .digest("base64")}`;
}
const headers = (sig: string, timestamp = ts) => ({
  "webhook-id": "msg_abc",
  "webhook-timestamp": String(timestamp),
  "webhook-signature": sig,
});

describe("verifyWebhook", () => {
  it("accepts a delivery signed by an independent implementation and returns the parsed payload", () => {
    const result = verifyWebhook(headers(signature(secret, "msg_abc", ts, body)), body, secret, { now });
    expect(result).toMatchObject({ id: "msg_abc", timestamp: ts, payload: { data: { ok: true } } });
  });

  it("accepts Headers objects and Uint8Array bodies", () => {
    const bag = new Headers(headers(signature(secret, "msg_abc", ts, body)));
    expect(verifyWebhook(bag, new TextEncoder().encode(body), secret, { now }).id).toBe("msg_abc");
  });

  it("rejects a body changed by one byte", () => {
    expect(() =>
      verifyWebhook(headers(signature(secret, "msg_abc", ts, body)), body.replace("true", "fals"), secret, {
        now,
      }),
    ).toThrow(expect.objectContaining({ code: "WEBHOOK_SIGNATURE_INVALID" }));
  });

  it("accepts timestamps inside the tolerance and rejects them outside it, both ways", () => {
    for (const offset of [-300, 300]) {
      expect(() =>
        verifyWebhook(headers(signature(secret, "msg_abc", ts + offset, body), ts + offset), body, secret, {
          now,
        }),
      ).not.toThrow();
    }
    for (const offset of [-301, 301]) {
      expect(() =>
        verifyWebhook(headers(signature(secret, "msg_abc", ts + offset, body), ts + offset), body, secret, {
          now,
        }),
      ).toThrow(expect.objectContaining({ code: "WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE" }));
    }
    expect(() =>
      verifyWebhook(headers(signature(secret, "msg_abc", ts - 50, body), ts - 50), body, secret, {
        now,
        toleranceSeconds: 10,
      }),
    ).toThrow(/too old/);
  });

  it("accepts a header carrying two signatures when either key is known (key rotation)", () => {
    const both = `${signature(other, "msg_abc", ts, body)} ${signature(secret, "msg_abc", ts, body)}`;
    expect(verifyWebhook(headers(both), body, secret, { now }).id).toBe("msg_abc");
    expect(verifyWebhook(headers(both), body, other, { now }).id).toBe("msg_abc");
    expect(
      verifyWebhook(headers(signature(other, "msg_abc", ts, body)), body, [secret, other], { now }).id,
    ).toBe("msg_abc");
    expect(() =>
      verifyWebhook(headers(both), body, `whsec_${randomBytes(24).toString("base64")}`, { now }),
    ).toThrow(/No webhook-signature matches/);
  });

  it("rejects missing headers and ignores signatures of other schemes", () => {
    expect(() => verifyWebhook({ "webhook-id": "msg_abc" }, body, secret, { now })).toThrow(
      expect.objectContaining({ code: "WEBHOOK_HEADERS_MISSING" }),
    );
    const v1a = `v1a,${signature(secret, "msg_abc", ts, body).slice(3)}`;
    expect(() => verifyWebhook(headers(v1a), body, secret, { now })).toThrow(
      expect.objectContaining({ code: "WEBHOOK_SIGNATURE_INVALID" }),
    );
  });
});
