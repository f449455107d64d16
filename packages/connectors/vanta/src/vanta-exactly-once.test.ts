import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EvidencePackage, loadEvidencePackage, type PushReceipt } from "@iddio-compliance/connector-sdk";
import { writeEvidencePackage } from "@iddio-compliance/connector-sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeVanta, type LostAnswer, startFakeVanta } from "./test-support/fake-vanta-server.ts";
import { clearVantaTokenCache } from "./token-cache.ts";
import { uploadDescription } from "./vanta-api.ts";
import { vanta } from "./vanta-connector.ts";

const DOCUMENTS = {
  "CC6.1": "access-requests",
  "CC6.2": "credential-lifecycle",
  "CC6.3": "authorization-changes",
  "CC7.2": "monitoring",
  summary: "soc2-summary",
  integrity: "audit-log-integrity",
};
const fast = { http: { sleep: async () => {}, retry: { baseDelayMs: 1 }, timeoutMs: 2_000 } };
const configFor = (server: FakeVanta) => ({
  base_url: server.url,
  client_id: server.clientId,
  client_secret: server.clientSecret,
  documents: DOCUMENTS,
  submit: true,
});

/** Pushes with fresh connector instances in a fresh process (no cached token) until one succeeds; at most 3. */
async function pushUntilSettled(server: FakeVanta, pkg: EvidencePackage): Promise<PushReceipt> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    clearVantaTokenCache();
    try {
      return await vanta.create(configFor(server), fast).push(pkg);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** Loses the answer of request `step` of a push of `pkg`, then pushes again until it settles. */
async function crashAt(
  pkg: EvidencePackage,
  step: number,
  loss: LostAnswer,
): Promise<{ server: FakeVanta; receipt: PushReceipt }> {
  clearVantaTokenCache();
  const server = await startFakeVanta();
  server.loseAnswer(step, loss);
  const controller = new AbortController();
  const connector = vanta.create(configFor(server), { ...fast, signal: controller.signal });
  let settled = false;
  const pushing = connector
    .push(pkg)
    .catch(() => undefined)
    .finally(() => {
      settled = true;
    });
  if ("hang" in loss) {
    // The process dies once the server has carried out the request whose answer never comes.
    for (let i = 0; i < 1000 && server.lostAnswers() === 0 && !settled; i++)
      await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort();
  }
  await pushing;
  await connector.dispose();
  return { server, receipt: await pushUntilSettled(server, pkg) };
}

describe("vanta exactly-once delivery", () => {
  let root: string;
  let pkg: EvidencePackage;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "vanta-once-"));
    pkg = await loadEvidencePackage(await writeEvidencePackage(join(root, "json")));
  });
  afterAll(async () => {
    clearVantaTokenCache();
    await rm(root, { recursive: true, force: true });
  });

  const losses: Array<{ how: string; loss: LostAnswer }> = [
    { how: "the server answers 503 after carrying out the request", loss: { status: 503 } },
    { how: "the process is killed after the server carried out the request", loss: { hang: true } },
  ];

  for (const { how, loss } of losses) {
    it(`keeps one upload per file and submits every document when ${how}, at every write`, async () => {
      clearVantaTokenCache();
      const clean = await startFakeVanta();
      await vanta.create(configFor(clean), fast).push(pkg);
      // Every write (token, upload, submit); losing a list's answer changes nothing remotely.
      const writes = clean.requests().flatMap((request, i) => (request.method === "GET" ? [] : [i]));
      await clean.close();
      expect(writes.length).toBeGreaterThan(pkg.files.length);

      for (const step of writes) {
        const { server, receipt } = await crashAt(pkg, step, loss);
        try {
          for (const file of pkg.files) {
            const documentId = DOCUMENTS[file.criterion as keyof typeof DOCUMENTS];
            const copies = server
              .uploads(documentId)
              .filter(
                (upload) =>
                  upload.fileName === file.name && upload.description === uploadDescription(file, pkg),
              );
            expect(copies, `step ${step}: uploads of ${file.name}`).toHaveLength(1);
            expect(receipt.files.find((entry) => entry.file === file.name)?.remote_id).toBe(copies[0]?.id);
          }
          expect(server.uploads()).toHaveLength(pkg.files.length);
          expect(new Set(server.submitted()), `step ${step}: submitted`).toEqual(
            new Set(pkg.files.map((file) => DOCUMENTS[file.criterion as keyof typeof DOCUMENTS])),
          );
        } finally {
          await server.close();
        }
      }
    });
  }
});
