import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as S3 from "@aws-sdk/client-s3";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { ServerPluginError } from "../errors/server-plugin-error.ts";
import { parsePeriodKey } from "../scheduler/period.ts";
import type { EvidenceStorage, PackageCheck, PackageOwner } from "./evidence-storage.ts";
import { requireCompletePackage } from "./file-storage.ts";
import { parsePackageOwner } from "./package-owner.ts";
import { filesBeforeSummary, SUMMARY_FILE, verifyManifest } from "./verify-manifest.ts";

/** Options of {@link S3Storage}. */
export interface S3StorageOptions {
  bucket: string;
  /** Key prefix, `""` or ending in `/`; nothing outside it is ever read, listed or deleted. */
  prefix: string;
  /** Endpoint of an S3-compatible store (MinIO, Ceph, R2, …). @default AWS */
  endpoint?: string | undefined;
  /** @default the AWS default chain (AWS_REGION, profile), or `us-east-1` with a custom endpoint */
  region?: string | undefined;
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible stores. @default false */
  forcePathStyle?: boolean | undefined;
  /** Static credentials. @default the AWS default credential chain */
  credentials?:
    | { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }
    | undefined;
  /** A ready client (tests, custom middleware); the options above are then ignored. */
  client?: S3Client;
  /** Folder of the local copies {@link S3Storage.open} makes for pushes (the plugin's staging folder, swept at start). @default the system's temporary folder */
  workDir?: string | undefined;
}

// The SDK is loaded on first use (only S3 users pay for it), through its CommonJS build: its ESM
// build ("module" condition) uses extensionless imports that bundlers accept and Node does not.
const require = createRequire(import.meta.url);
let sdk: typeof S3 | undefined;
function loadSdk(): typeof S3 {
  sdk ??= require("@aws-sdk/client-s3") as typeof S3;
  return sdk;
}

// Bounds the listing loops: 10 000 pages of 1000 keys is far beyond any package store.
const MAX_PAGES = 10_000;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
}

/**
 * `s3://bucket/prefix/` storage through @aws-sdk/client-s3. Manifest files are uploaded first and
 * `summary.json` last: a package whose summary is missing or whose manifest does not match is
 * incomplete, and is replaced or deleted, never read.
 */
export class S3Storage implements EvidenceStorage {
  readonly location: string;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #client: S3Client;
  readonly #sdk: typeof S3;
  readonly #workDir: string;

  constructor(options: S3StorageOptions) {
    this.#workDir = options.workDir ?? tmpdir();
    this.#bucket = options.bucket;
    this.#prefix = options.prefix;
    this.location = `s3://${options.bucket}/${options.prefix}`;
    this.#sdk = loadSdk();
    if (options.client) this.#client = options.client;
    else {
      const config: S3ClientConfig = {};
      if (options.endpoint) config.endpoint = options.endpoint;
      const region = options.region ?? (options.endpoint ? "us-east-1" : undefined);
      if (region) config.region = region;
      if (options.forcePathStyle !== undefined) config.forcePathStyle = options.forcePathStyle;
      if (options.credentials) config.credentials = options.credentials;
      this.#client = new this.#sdk.S3Client(config);
    }
  }

  #key(key: string, name = ""): string {
    if (!parsePeriodKey(key))
      throw new ServerPluginError("STORAGE_FAILED", `"${key}" is not a package key`, { subject: key });
    return `${this.#prefix}${key}/${name}`;
  }

  #fail(action: string, key: string, error: unknown): ServerPluginError {
    const name = (error as Error).name;
    return new ServerPluginError(
      "STORAGE_FAILED",
      `Cannot ${action} package ${key} in ${this.location}: ${name}: ${(error as Error).message}`,
      {
        subject: key,
        cause: error,
      },
    );
  }

  async #read(objectKey: string): Promise<Uint8Array | null> {
    try {
      const out = await this.#client.send(
        new this.#sdk.GetObjectCommand({ Bucket: this.#bucket, Key: objectKey }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async #listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.#client.send(
        new this.#sdk.ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: prefix,
          ContinuationToken: token,
        }),
      );
      for (const item of out.Contents ?? []) if (item.Key?.startsWith(prefix)) keys.push(item.Key);
      if (!out.IsTruncated || !out.NextContinuationToken) break;
      token = out.NextContinuationToken;
    }
    return keys;
  }

  // Owner records sit under `<prefix>.owners/`: not a package key, so list() never sees them.
  #ownerKey(key: string): string {
    if (!parsePeriodKey(key))
      throw new ServerPluginError("STORAGE_FAILED", `"${key}" is not a package key`, { subject: key });
    return `${this.#prefix}.owners/${key}.json`;
  }

  async owner(key: string): Promise<PackageOwner | null> {
    let bytes: Uint8Array | null;
    try {
      bytes = await this.#read(this.#ownerKey(key));
    } catch (error) {
      throw this.#fail("read the owner of", key, error);
    }
    return bytes ? parsePackageOwner(JSON.parse(Buffer.from(bytes).toString("utf8"))) : null;
  }

  async setOwner(key: string, owner: PackageOwner): Promise<void> {
    try {
      await this.#client.send(
        new this.#sdk.PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#ownerKey(key),
          Body: `${JSON.stringify(owner, null, 2)}\n`,
          ContentType: "application/json",
        }),
      );
    } catch (error) {
      throw this.#fail("record the owner of", key, error);
    }
  }

  async recover(): Promise<void> {
    // Nothing to do: an interrupted upload has no summary.json and is replaced on the next run.
  }

  async put(key: string, dir: string, signal?: AbortSignal): Promise<void> {
    const check = await requireCompletePackage(key, dir);
    const media = new Map(check.summary.manifest.map((e) => [e.file, e.media_type]));
    try {
      for (const name of [...filesBeforeSummary(check.summary), SUMMARY_FILE]) {
        signal?.throwIfAborted();
        const body = await readFile(join(dir, name));
        await this.#client.send(
          new this.#sdk.PutObjectCommand({
            Bucket: this.#bucket,
            Key: this.#key(key, name),
            Body: body,
            ContentType:
              media.get(name) ?? (name === SUMMARY_FILE ? "application/json" : "application/octet-stream"),
          }),
          { abortSignal: signal },
        );
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      throw this.#fail("store", key, error);
    }
  }

  async check(key: string): Promise<PackageCheck> {
    try {
      return await verifyManifest(
        (name) => this.#read(this.#key(key, name)),
        // A whole page, not MaxKeys 1: a package holds a handful of objects, and s3rver answers a
        // truncated listing with 500 InternalError (found by the serve crash test).
        async () => (await this.#listKeys(this.#key(key))).length > 0,
      );
    } catch (error) {
      throw this.#fail("check", key, error);
    }
  }

  async list(): Promise<string[]> {
    const keys = new Set<string>();
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.#client.send(
        new this.#sdk.ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: this.#prefix,
          Delimiter: "/",
          ContinuationToken: token,
        }),
      );
      for (const p of out.CommonPrefixes ?? []) {
        const name = p.Prefix?.slice(this.#prefix.length).replace(/\/$/, "") ?? "";
        if (p.Prefix?.startsWith(this.#prefix) && parsePeriodKey(name)) keys.add(name);
      }
      if (!out.IsTruncated || !out.NextContinuationToken) break;
      token = out.NextContinuationToken;
    }
    return [...keys].sort();
  }

  async delete(key: string): Promise<void> {
    const prefix = this.#key(key);
    try {
      await this.#client.send(
        new this.#sdk.DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(key, SUMMARY_FILE) }),
      );
      const keys = (await this.#listKeys(prefix)).filter((k) => k.startsWith(prefix));
      for (let i = 0; i < keys.length; i += 1000) {
        const out = await this.#client.send(
          new this.#sdk.DeleteObjectsCommand({
            Bucket: this.#bucket,
            Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
          }),
        );
        if (out.Errors?.length)
          throw new Error(`${out.Errors.length} objects could not be deleted (${out.Errors[0]?.Code})`);
      }
      await this.#client.send(
        new this.#sdk.DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#ownerKey(key) }),
      );
    } catch (error) {
      throw this.#fail("delete", key, error);
    }
  }

  async open(key: string): Promise<{ dir: string; release(): Promise<void> }> {
    const check = await this.check(key);
    if (check.state !== "complete") {
      throw new ServerPluginError("PACKAGE_INVALID", `Package ${key} in ${this.location} is ${check.state}`, {
        subject: key,
      });
    }
    await mkdir(this.#workDir, { recursive: true });
    const dir = await mkdtemp(join(this.#workDir, "iddio-compliance-pkg-"));
    const release = () => rm(dir, { recursive: true, force: true });
    try {
      for (const name of [...filesBeforeSummary(check.summary), SUMMARY_FILE]) {
        const bytes = await this.#read(this.#key(key, name));
        if (!bytes)
          throw new ServerPluginError("PACKAGE_INVALID", `${name} of package ${key} vanished while reading`, {
            subject: key,
          });
        await writeFile(join(dir, name), bytes);
      }
    } catch (error) {
      await release();
      throw error;
    }
    return { dir, release };
  }

  /** Releases the client's sockets. */
  destroy(): void {
    this.#client.destroy();
  }
}
