import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadEvidencePackage } from "@iddio-compliance/connector-sdk";
import type { EvidenceStorage } from "../storage/evidence-storage.ts";
import { applyRetention } from "../storage/retention.ts";
import { testExporter } from "./test-exporter.ts";

/** One storage backend under test. */
export interface StorageBackend {
  /** A storage rooted at its own location `name`. */
  make(name: string): EvidenceStorage;
  /** Writes one raw file of a package, bypassing the storage (an interrupted upload). */
  writeRaw(name: string, key: string, file: string, bytes: Uint8Array): Promise<void>;
}

let built = 0;
async function buildPackage(work: string, from: string, to: string): Promise<string> {
  await mkdir(work, { recursive: true });
  const out = join(work, `built-${process.pid}-${built++}`);
  await testExporter()({ source: "x", from, to, format: "json", output: out });
  return out;
}

/**
 * The storage conformance cases, as plain functions that throw on failure, so the same cases run
 * in vitest (file://) and in a child process (s3://, see storage-suite-child.ts).
 */
export const STORAGE_CASES: Record<string, (backend: StorageBackend, work: string) => Promise<void>> = {
  "stores a package summary-last and reports it complete": async (b, work) => {
    const storage = b.make("put");
    await storage.recover();
    assert.deepEqual(await storage.check("2026-01-01_2026-01-31"), { state: "absent" });
    await storage.put("2026-01-01_2026-01-31", await buildPackage(work, "2026-01-01", "2026-01-31"));
    assert.equal((await storage.check("2026-01-01_2026-01-31")).state, "complete");
    assert.deepEqual(await storage.list(), ["2026-01-01_2026-01-31"]);
    const opened = await storage.open("2026-01-01_2026-01-31");
    assert.equal((await loadEvidencePackage(opened.dir)).files.length, 7); // five documents, checkpoint.json, summary.json
    await opened.release();
  },
  "keeps a signed package's summary.json.sig, stored before its summary and read back by open": async (
    b,
    work,
  ) => {
    const storage = b.make("signed");
    const key = "2026-04-01_2026-04-30";
    const dir = await buildPackage(work, "2026-04-01", "2026-04-30");
    // Sign it as `export --sign` does: the summary names the key, the signature covers its bytes.
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const keyId = createHash("sha256")
      .update(publicKey.export({ type: "spki", format: "der" }))
      .digest("hex");
    const summary = JSON.parse(await readFile(join(dir, "summary.json"), "utf8"));
    const bytes = Buffer.from(
      `${JSON.stringify({ ...summary, signing: { algorithm: "ed25519", key_id: keyId } }, null, 2)}\n`,
    );
    await writeFile(join(dir, "summary.json"), bytes);
    await writeFile(join(dir, "summary.json.sig"), sign(null, bytes, privateKey));
    await storage.put(key, dir);
    assert.equal((await storage.check(key)).state, "complete");
    const opened = await storage.open(key);
    const stored = await readFile(join(opened.dir, "summary.json.sig"));
    assert.equal(verify(null, await readFile(join(opened.dir, "summary.json")), publicKey, stored), true);
    await opened.release();
  },
  "treats a package without its summary, whose file differs from the manifest or that holds an unlisted file, as incomplete":
    async (b, work) => {
      const storage = b.make("marker");
      const key = "2026-02-01_2026-02-28";
      const dir = await buildPackage(work, "2026-02-01", "2026-02-28");
      // An upload interrupted before its summary: several files, none of them summary.json.
      await b.writeRaw("marker", key, "cc6.2-credential-lifecycle.json", Buffer.from("{}"));
      await b.writeRaw("marker", key, "cc6.1-access-controls.json", Buffer.from("{}"));
      assert.deepEqual(await storage.check(key), { state: "incomplete", reason: "no summary.json" });
      await b.writeRaw("marker", key, "summary.json", await readFile(join(dir, "summary.json")));
      const check = await storage.check(key);
      assert.equal(check.state, "incomplete");
      assert.match(
        (check as { reason: string }).reason,
        /^"cc6\.1-access-controls\.json" has 2 bytes but the manifest says \d+$/,
      );
      await storage.delete(key);
      assert.deepEqual(await storage.check(key), { state: "absent" });
      await storage.put(key, dir);
      assert.equal((await storage.check(key)).state, "complete");
      // A file stored under the package that its manifest does not list: not the package that was exported.
      await b.writeRaw("marker", key, "extra.json", Buffer.from("{}"));
      assert.deepEqual(await storage.check(key), {
        state: "incomplete",
        reason: '"extra.json" is not listed in the manifest',
      });
    },
  "refuses to store a package that does not match its manifest": async (b, work) => {
    const storage = b.make("refuse");
    const dir = await buildPackage(work, "2026-03-01", "2026-03-31");
    await writeFile(join(dir, "cc7.2-monitoring-evidence.json"), "tampered");
    await assert.rejects(storage.put("2026-03-01_2026-03-31", dir), { code: "PACKAGE_INVALID" });
    assert.deepEqual(await storage.list(), []);
  },
  "deletes whole packages that ended before the retention window and nothing else": async (b, work) => {
    const storage = b.make("retention");
    const neighbour = b.make("retention-neighbour");
    for (const [from, to] of [
      ["2025-01-01", "2025-03-31"],
      ["2025-04-01", "2025-04-30"],
      ["2025-05-01", "2025-05-31"],
    ] as const) {
      await storage.put(`${from}_${to}`, await buildPackage(work, from, to));
    }
    await neighbour.put("2025-01-01_2025-03-31", await buildPackage(work, "2025-01-01", "2025-03-31"));
    await b.writeRaw("retention", "2024-01-01_2024-01-31", "notes.txt", Buffer.from("x"));
    const deleted: string[] = [];
    const result = await applyRetention({
      storage,
      months: 12,
      today: "2026-05-15",
      onDeleted: async (p) => void deleted.push(p.from),
    });
    assert.deepEqual(
      result.map((p) => p.to),
      ["2024-01-31", "2025-03-31", "2025-04-30"],
    );
    assert.deepEqual(deleted, ["2024-01-01", "2025-01-01", "2025-04-01"]);
    assert.deepEqual(await storage.list(), ["2025-05-01_2025-05-31"]);
    assert.deepEqual(await neighbour.list(), ["2025-01-01_2025-03-31"]);
    assert.equal((await neighbour.check("2025-01-01_2025-03-31")).state, "complete");
  },
  "keeps a package's owner record beside it, out of listings, and deletes it with the package": async (
    b,
    work,
  ) => {
    const storage = b.make("owner");
    const key = "2026-04-01_2026-04-30";
    assert.equal(await storage.owner(key), null);
    await storage.put(key, await buildPackage(work, "2026-04-01", "2026-04-30"));
    const first = {
      version: 1,
      replica: "replica-a",
      host: "host-a",
      claimed_at: "2026-05-01T00:00:00.000Z",
    } as const;
    await storage.setOwner(key, first);
    assert.deepEqual(await storage.owner(key), first);
    assert.deepEqual(await storage.list(), [key]);
    assert.equal((await storage.check(key)).state, "complete");
    const second = { ...first, replica: "replica-b", host: "host-b" };
    await storage.setOwner(key, second);
    assert.deepEqual(await storage.owner(key), second);
    await storage.delete(key);
    assert.equal(await storage.owner(key), null);
    assert.deepEqual(await storage.list(), []);
    await assert.rejects(storage.owner("../escape"), { code: "STORAGE_FAILED" });
  },
};
