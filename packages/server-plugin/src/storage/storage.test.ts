import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server } from "../test-support/s3-server.ts";
import { STORAGE_CASES, type StorageBackend } from "../test-support/storage-cases.ts";
import { FileStorage } from "./file-storage.ts";

const CASES = Object.keys(STORAGE_CASES);
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "storage-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("file:// storage", () => {
  const backend: StorageBackend = {
    make: (name) => new FileStorage(join(work, "file", name)),
    async writeRaw(name, key, file, bytes) {
      await mkdir(join(work, "file", name, key), { recursive: true });
      await writeFile(join(work, "file", name, key, file), bytes);
    },
  };
  it.each(CASES)("%s", async (name) => {
    await STORAGE_CASES[name]?.(backend, join(work, "file-built"));
  });

  it("never shows a package while it is being copied in, and clears leftovers on recover", async () => {
    const storage = new FileStorage(join(work, "file", "leftovers"));
    await mkdir(join(work, "file", "leftovers", ".incoming-2026-01-01_2026-01-31-abcd"), { recursive: true });
    expect(await storage.list()).toEqual([]);
    await storage.recover();
    expect(await storage.list()).toEqual([]);
  });
});

describe("s3:// storage against a real S3 protocol server (s3rver on 127.0.0.1)", () => {
  let results: Record<string, string | null> = {};
  beforeAll(async () => {
    const s3 = await startS3Server(["evidence"]);
    try {
      const child = spawn(
        process.execPath,
        [
          "--conditions=dev-source",
          "--import",
          "tsx",
          fileURLToPath(new URL("../test-support/storage-suite-child.ts", import.meta.url)),
          s3.endpoint,
          join(work, "s3"),
        ],
        {
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, NODE_OPTIONS: "", NODE_NO_WARNINGS: "1" },
        },
      );
      await new Promise<void>((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", () => resolve());
      });
      results = JSON.parse(await readFile(join(work, "s3", "results.json"), "utf8")) as Record<
        string,
        string | null
      >;
    } finally {
      await s3.close();
    }
  });
  it.each(CASES)("%s", (name) => {
    expect(results[name]).toBeNull();
  });
});
