import { defineConnector, joinUrl, secureUrlSchema } from "@iddio-compliance/connector-sdk";
import { z } from "zod";

/**
 * The connector of docs/writing-a-connector.md: stores each file of a package with
 * `PUT {base_url}/buckets/{bucket}/files/{period}/{file}` (bearer API key). PUT replaces, so pushing
 * the same package again creates nothing new.
 */
export default defineConnector({
  name: "filebox",
  config: z.strictObject({
    /** API root; https, or plain http only for a loopback test server. @default "https://api.filebox.example" */
    base_url: secureUrlSchema().default("https://api.filebox.example"),
    /** API key, sent as a bearer token. */
    api_key: z.string().min(1),
    /** Bucket that receives the evidence. */
    bucket: z.string().regex(/^[a-z0-9-]+$/),
  }),
  capabilities: { files: true, idempotent: true },
  create(config, ctx) {
    const headers = { authorization: `Bearer ${config.api_key}` };
    const bucketUrl = joinUrl(config.base_url, `/buckets/${config.bucket}`);
    return {
      async check() {
        await ctx.http.request({ url: bucketUrl, headers });
        return { ok: true, detail: `bucket ${config.bucket} is reachable` };
      },
      async push(pkg) {
        const { from, to } = pkg.summary.period;
        const files = [];
        for (const file of pkg.files) {
          const key = `${from}_${to}/${file.name}`;
          const { data } = await ctx.http.request<{ id: string; url: string }>({
            method: "PUT",
            url: `${bucketUrl}/files/${key}`,
            headers: { ...headers, "content-type": file.mediaType, "x-content-sha256": file.sha256 },
            body: file.bytes,
          });
          files.push({
            file: file.name,
            criterion: file.criterion,
            remote_id: data.id,
            url: data.url,
            status: "created" as const,
          });
        }
        return { files };
      },
    };
  },
});
