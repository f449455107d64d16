// The `compliance.auto_export.s3` block is part of the public config schema.

export type { S3StorageConfig } from "@iddio-compliance/schema";
export { s3StorageConfigSchema } from "@iddio-compliance/schema";
