import { timingSafeEqual } from "node:crypto";
import { IddioComplianceError, isIddioComplianceError } from "@iddio-compliance/connector-sdk";
import { signWebhook } from "./sign-webhook.ts";

/** Why a delivery was refused. */
export type WebhookVerificationCode =
  | "WEBHOOK_HEADERS_MISSING"
  | "WEBHOOK_TIMESTAMP_INVALID"
  | "WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE"
  | "WEBHOOK_SIGNATURE_INVALID";

/** A delivery that must not be trusted. */
export class WebhookVerificationError extends IddioComplianceError {
  override readonly name = "WebhookVerificationError";
  declare readonly code: WebhookVerificationCode;

  constructor(code: WebhookVerificationCode, message: string) {
    super(code, `webhook: ${message}`, { subject: "webhook" });
  }
}

/** True for a {@link WebhookVerificationError}, also from another copy of this package. */
export function isWebhookVerificationError(value: unknown): value is WebhookVerificationError {
  return isIddioComplianceError(value) && value.name === "WebhookVerificationError";
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** Largest accepted distance between `webhook-timestamp` and now, both ways. @default 300 */
  toleranceSeconds?: number;
  /** The current time in milliseconds since the epoch. @default Date.now() */
  now?: number | Date | (() => number);
}

/** A verified delivery. */
export interface VerifiedWebhook<T = unknown> {
  id: string;
  timestamp: number;
  payload: T;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value.join(" ") : value;
}

function currentMs(now: VerifyWebhookOptions["now"]): number {
  if (typeof now === "function") return now();
  if (now instanceof Date) return now.getTime();
  return now ?? Date.now();
}

/**
 * Verifies a Standard Webhooks delivery against the **raw** body: the timestamp must be within the
 * tolerance, and one of the space-separated `v1,` signatures must match one of `secret` (several
 * while keys rotate), compared in constant time. Returns the parsed payload; throws
 * {@link WebhookVerificationError} otherwise.
 */
export function verifyWebhook<T = unknown>(
  headers: HeaderBag,
  body: string | Uint8Array,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): VerifiedWebhook<T> {
  const id = header(headers, "webhook-id");
  const timestampText = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestampText || !signatures)
    throw new WebhookVerificationError(
      "WEBHOOK_HEADERS_MISSING",
      "Missing webhook-id, webhook-timestamp or webhook-signature header",
    );
  if (!/^\d+$/.test(timestampText))
    throw new WebhookVerificationError(
      "WEBHOOK_TIMESTAMP_INVALID",
      "webhook-timestamp is not integer Unix seconds",
    );
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor(currentMs(options.now) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) {
    throw new WebhookVerificationError(
      "WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE",
      `webhook-timestamp is ${timestamp < nowSeconds ? "too old" : "too far in the future"}`,
    );
  }
  const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
  const offered = signatures
    .split(" ")
    .filter((item) => item.startsWith("v1,"))
    .map((item) => Buffer.from(item.slice(3), "base64"));
  const secrets = typeof secret === "string" ? [secret] : secret;
  for (const key of secrets) {
    const expected = Buffer.from(signWebhook(id, timestamp, text, key).slice(3), "base64");
    for (const candidate of offered) {
      if (candidate.byteLength === expected.byteLength && timingSafeEqual(candidate, expected)) {
        return { id, timestamp, payload: JSON.parse(text) as T };
      }
    }
  }
  throw new WebhookVerificationError("WEBHOOK_SIGNATURE_INVALID", "No webhook-signature matches");
}
