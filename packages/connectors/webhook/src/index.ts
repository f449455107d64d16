/** @public The connector's options, as `compliance.connectors[]` takes them. */
export type { WebhookConfig } from "./config.ts";
export type { VerifiedWebhook, VerifyWebhookOptions, WebhookVerificationCode } from "./verify-webhook.ts";
/** @public What a receiver calls on each delivery (README): verifies the Standard Webhooks signature. */
export { isWebhookVerificationError, verifyWebhook, WebhookVerificationError } from "./verify-webhook.ts";
/** @public A connector package's default export is its definition: what `type: "@scope/name"` loads. */
export { webhook, webhook as default } from "./webhook-connector.ts";
export type { PackageWebhookPayload, WebhookFile } from "./webhook-payload.ts";
