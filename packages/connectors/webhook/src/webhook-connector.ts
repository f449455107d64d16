import { defineConnector } from "@iddio-compliance/connector-sdk";
import { webhookConfigSchema } from "./config.ts";
import { signWebhook } from "./sign-webhook.ts";
import { packagePayload, webhookId } from "./webhook-payload.ts";

/**
 * Any HTTPS endpoint, as a signed Standard Webhooks delivery: one POST per package with the summary
 * and the files (inline up to `inline_max_bytes`, digests beyond).
 *
 * Delivery is **at least once**: a delivery whose outcome the sender cannot know (a 5xx, a timeout,
 * a dropped connection, a crash before the outcome was recorded) is sent again, so a receiver may get
 * the same delivery several times. Every delivery of one package by one connector instance carries
 * the same `webhook-id` ({@link webhookId}: from the package's summary digest and the connector name)
 * and the same body, across retries, re-pushes and process restarts; only `webhook-timestamp` and the
 * signature change per attempt. Receivers get exactly-once processing by deduplicating on
 * `webhook-id` and answering 2xx to an id they already processed.
 */
export const webhook = defineConnector({
  name: "webhook",
  config: webhookConfigSchema,
  capabilities: { files: true, idempotent: true, csv: true, structured: false, remoteCheck: false },
  create(config, ctx) {
    const secrets = typeof config.secret === "string" ? [config.secret] : config.secret;
    for (const secret of secrets) ctx.addSecret(secret.slice("whsec_".length));
    return {
      async check() {
        return {
          ok: true,
          detail: `deliveries go to ${ctx.redact(new URL(config.url).origin)}, signed with ${secrets.length} key(s); no request sent`,
        };
      },
      plan(pkg) {
        const payload = packagePayload(pkg, config.inline_max_bytes);
        return {
          files: payload.data.files.map((file) => ({
            file: file.name,
            criterion: file.criterion ?? undefined,
            target: `POST ${ctx.redact(config.url)} as ${file.inline ? "inline content" : "digest only"} (webhook-id ${webhookId(pkg, ctx.connector)})`,
          })),
        };
      },
      async push(pkg) {
        const id = webhookId(pkg, ctx.connector);
        const body = JSON.stringify(packagePayload(pkg, config.inline_max_bytes));
        await ctx.http.request({
          method: "POST",
          url: config.url,
          body,
          // The timestamp is the attempt's, so each retry is signed anew under the same id.
          headers: () => {
            const timestamp = Math.floor(ctx.now() / 1000);
            return {
              "content-type": "application/json",
              "webhook-id": id,
              "webhook-timestamp": String(timestamp),
              "webhook-signature": secrets
                .map((secret) => signWebhook(id, timestamp, body, secret))
                .join(" "),
            };
          },
        });
        ctx.logger.debug("webhook delivered", { webhook_id: id });
        return {
          files: pkg.files.map((file) => ({
            file: file.name,
            criterion: file.criterion,
            remote_id: `${id}/${file.name}`,
            status: "created" as const,
          })),
        };
      },
    };
  },
});
