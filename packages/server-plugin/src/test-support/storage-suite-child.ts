// Runs the storage conformance cases against s3:// in a plain Node process. The AWS SDK cannot
// load inside vitest's workers here: the root vitest config passes `--conditions module` to Node,
// which selects the SDK's bundler-only ESM build. Usage: storage-suite-child.ts <endpoint> <work dir>
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as S3 from "@aws-sdk/client-s3";
import { S3Storage } from "../storage/s3-storage.ts";
import { STORAGE_CASES, type StorageBackend } from "./storage-cases.ts";

const [endpoint = "", work = ""] = process.argv.slice(2);
const sdk = createRequire(import.meta.url)("@aws-sdk/client-s3") as typeof S3;
const options = {
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
};
const raw = new sdk.S3Client(options);
const storages: S3Storage[] = [];
const backend: StorageBackend = {
  make(name) {
    const storage = new S3Storage({ bucket: "evidence", prefix: `iddio/${name}/`, ...options });
    storages.push(storage);
    return storage;
  },
  async writeRaw(name, key, file, bytes) {
    await raw.send(
      new sdk.PutObjectCommand({ Bucket: "evidence", Key: `iddio/${name}/${key}/${file}`, Body: bytes }),
    );
  },
};

await mkdir(work, { recursive: true });
const results: Record<string, string | null> = {};
for (const [name, run] of Object.entries(STORAGE_CASES)) {
  try {
    await run(backend, work);
    results[name] = null;
  } catch (error) {
    results[name] = (error as Error).stack ?? String(error);
  }
}
await writeFile(join(work, "results.json"), JSON.stringify(results));
for (const storage of storages) storage.destroy();
raw.destroy();
