import type { S3StorageConfig } from "@iddio-compliance/schema";
import type { StorageTarget } from "../config/storage-url.ts";
import type { EvidenceStorage } from "./evidence-storage.ts";
import { FileStorage } from "./file-storage.ts";
import { S3Storage } from "./s3-storage.ts";

/**
 * Builds the storage a parsed `auto_export.storage` URL names; `workDir` holds the local copies of
 * S3 packages being pushed.
 */
export function createStorage(
  target: StorageTarget,
  s3: S3StorageConfig = {},
  workDir?: string,
): EvidenceStorage {
  if (target.kind === "file") return new FileStorage(target.dir);
  return new S3Storage({
    workDir,
    bucket: target.bucket,
    prefix: target.prefix,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.force_path_style,
    credentials:
      s3.access_key_id && s3.secret_access_key
        ? {
            accessKeyId: s3.access_key_id,
            secretAccessKey: s3.secret_access_key,
            sessionToken: s3.session_token,
          }
        : undefined,
  });
}
