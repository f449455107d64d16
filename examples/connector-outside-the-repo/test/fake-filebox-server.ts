import { createHash } from "node:crypto";
import { createFakeServer, type FakeServer } from "@iddio-compliance/connector-sdk/testing";

/** A fake of the filebox API: bearer auth, one bucket, PUT replaces a file and checks its digest. */
export function startFakeFilebox(apiKey: string, bucket: string): Promise<FakeServer> {
  const files = new Map<string, Buffer>();
  return createFakeServer({
    storedFiles: () => [...files.keys()].map((key) => key.split("/").at(-1) ?? key),
    handle({ method, url, headers, body }) {
      if (headers.authorization !== `Bearer ${apiKey}`)
        return { status: 401, json: { error: "unauthorized" } };
      const match = /^\/buckets\/([^/]+)(?:\/files\/(.+))?$/.exec(url.pathname);
      if (!match || match[1] !== bucket) return { status: 404, json: { error: "no such bucket" } };
      const key = match[2];
      if (method === "GET" && !key) return { status: 200, json: { bucket } };
      if (method !== "PUT" || !key) return { status: 405, json: { error: "method not allowed" } };
      if (createHash("sha256").update(body).digest("hex") !== headers["x-content-sha256"])
        return { status: 400, json: { error: "digest mismatch" } };
      files.set(key, body);
      return { status: 200, json: { id: key, url: `https://filebox.example/${bucket}/${key}` } };
    },
  });
}
