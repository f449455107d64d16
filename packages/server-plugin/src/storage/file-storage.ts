import { randomBytes } from "node:crypto";
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ServerPluginError } from "../errors/server-plugin-error.ts";
import { parsePeriodKey } from "../scheduler/period.ts";
import { readJsonFile, syncDir, writeFileAtomic } from "../util/atomic-write.ts";
import type { EvidenceStorage, PackageCheck, PackageOwner } from "./evidence-storage.ts";
import { parsePackageOwner } from "./package-owner.ts";
import { filesBeforeSummary, SUMMARY_FILE, verifyManifest } from "./verify-manifest.ts";

// Work folders start with a dot: never a package key, so list() and readers never see them.
const INCOMING = ".incoming-";
const DELETING = ".deleting-";
const OWNERS = ".owners";

async function readOrNull(path: string): Promise<Uint8Array | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Checks a package folder on the local disk against its manifest. */
export function checkPackageDir(dir: string): Promise<PackageCheck> {
  return verifyManifest(
    (name) => readOrNull(join(dir, name)),
    async () => (await exists(dir)) && (await readdir(dir)).length > 0,
  );
}

/** Checks a package folder about to be stored; a folder that is not a complete package is refused. */
export async function requireCompletePackage(
  key: string,
  dir: string,
): Promise<PackageCheck & { state: "complete" }> {
  const check = await checkPackageDir(dir);
  if (check.state !== "complete") {
    throw new ServerPluginError(
      "PACKAGE_INVALID",
      `Package ${key} was not stored: ${check.state === "absent" ? "it is empty" : check.reason}`,
      { subject: key },
    );
  }
  return check;
}

/**
 * `file://` storage: a package is built in a dot-folder beside its final place, fsynced and renamed
 * into place, so a reader sees a whole package or none, even after a crash.
 */
export class FileStorage implements EvidenceStorage {
  readonly location: string;
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
    this.location = pathToFileURL(root).href.replace(/\/?$/, "/");
  }

  async recover(): Promise<void> {
    await mkdir(this.#root, { recursive: true });
    for (const name of await readdir(this.#root)) {
      if (name.startsWith(INCOMING) || name.startsWith(DELETING))
        await rm(join(this.#root, name), { recursive: true, force: true });
    }
  }

  async put(key: string, dir: string, signal?: AbortSignal): Promise<void> {
    const check = await requireCompletePackage(key, dir);
    await mkdir(this.#root, { recursive: true });
    const target = join(this.#root, key);
    const temp = join(this.#root, `${INCOMING}${key}-${randomBytes(4).toString("hex")}`);
    await mkdir(temp);
    try {
      for (const name of [...filesBeforeSummary(check.summary), SUMMARY_FILE]) {
        signal?.throwIfAborted();
        await copyFile(join(dir, name), join(temp, name));
        const handle = await open(join(temp, name), "r");
        await handle.sync().finally(() => handle.close());
      }
      await syncDir(temp);
      signal?.throwIfAborted();
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      if (signal?.aborted) throw error;
      throw new ServerPluginError(
        "STORAGE_FAILED",
        `Cannot store package ${key} in ${this.location}: ${(error as Error).message}`,
        { subject: key, cause: error },
      );
    }
    await syncDir(this.#root);
  }

  check(key: string): Promise<PackageCheck> {
    return checkPackageDir(join(this.#root, key));
  }

  async list(): Promise<string[]> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(this.#root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return entries
      .filter((e) => e.isDirectory() && parsePeriodKey(e.name))
      .map((e) => e.name)
      .sort();
  }

  async delete(key: string): Promise<void> {
    if (!parsePeriodKey(key))
      throw new ServerPluginError("STORAGE_FAILED", `Refusing to delete "${key}": not a package key`, {
        subject: key,
      });
    const temp = join(this.#root, `${DELETING}${key}-${randomBytes(4).toString("hex")}`);
    let moved = true;
    try {
      await rename(join(this.#root, key), temp);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      moved = false;
    }
    if (moved) {
      await syncDir(this.#root);
      await rm(temp, { recursive: true, force: true });
    }
    await rm(this.#ownerPath(key), { force: true });
  }

  #ownerPath(key: string): string {
    if (!parsePeriodKey(key))
      throw new ServerPluginError("STORAGE_FAILED", `"${key}" is not a package key`, { subject: key });
    return join(this.#root, OWNERS, `${key}.json`);
  }

  async owner(key: string): Promise<PackageOwner | null> {
    return parsePackageOwner(await readJsonFile(this.#ownerPath(key)));
  }

  async setOwner(key: string, owner: PackageOwner): Promise<void> {
    await mkdir(join(this.#root, OWNERS), { recursive: true });
    await writeFileAtomic(this.#ownerPath(key), `${JSON.stringify(owner, null, 2)}\n`);
  }

  async open(key: string): Promise<{ dir: string; release(): Promise<void> }> {
    return { dir: join(this.#root, key), release: async () => {} };
  }
}
