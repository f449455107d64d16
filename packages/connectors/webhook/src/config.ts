import { secureUrlSchema } from "@iddio-compliance/connector-sdk";
import { z } from "zod";

/** A Standard Webhooks signing secret: `whsec_` + base64 of 16–64 random bytes. */
const webhookSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected "whsec_" followed by base64')
  .refine((secret) => {
    const bytes = Buffer.from(secret.slice("whsec_".length), "base64").byteLength;
    return bytes >= 16 && bytes <= 64;
  }, "expected a key of 16 to 64 bytes after whsec_");

/** Options of the webhook connector (one entry of `compliance.connectors` with `type: webhook`). */
export const webhookConfigSchema = z.strictObject({
  /** Receiver URL; https, or plain http only for 127.0.0.0/8, ::1 and localhost. */
  url: secureUrlSchema(),
  /** Signing secret (`whsec_…`); a list signs with each key, for rotation without downtime. */
  secret: z.union([webhookSecretSchema, z.array(webhookSecretSchema).min(1)]),
  /** Files are sent inline while their total size stays within this bound, beyond it as name + digest. @default 262144 */
  inline_max_bytes: z
    .int()
    .nonnegative()
    .default(256 * 1024),
});

/** Parsed webhook options. */
export type WebhookConfig = z.output<typeof webhookConfigSchema>;
