export type { WebhookConfig } from "./config.ts";
export { webhookConfigSchema, webhookSecretSchema } from "./config.ts";
export { signWebhook, webhookKey } from "./sign-webhook.ts";
export type { VerifiedWebhook, VerifyWebhookOptions, WebhookVerificationCode } from "./verify-webhook.ts";
export { isWebhookVerificationError, verifyWebhook, WebhookVerificationError } from "./verify-webhook.ts";
export { webhook, webhook as default } from "./webhook-connector.ts";
export type { PackageWebhookPayload, WebhookFile } from "./webhook-payload.ts";
export { PACKAGE_EVENT_TYPE, packagePayload, webhookId } from "./webhook-payload.ts";
