import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EvidencePackage, loadEvidencePackage, type PushReceipt } from "@iddio-compliance/connector-sdk";
import { writeEvidencePackage } from "@iddio-compliance/connector-sdk/testing";
import { afterAll, describe, expect, it } from "vitest";
import { type LostAnswer, pushLosingAnswer, writeSteps } from "../../test-support/lost-answers.ts";
import { type FakeVanta, startFakeVanta, TEST_DOCUMENTS } from "./test-support/fake-vanta-server.ts";
import { clearVantaTokenCache } from "./token-cache.ts";
import { isUploadOf } from "./vanta-api.ts";
import { vanta } from "./vanta-connector.ts";

const http = { sleep: async () => {}, retry: { baseDelayMs: 1 }, timeoutMs: 2_000 };
const configFor = (server: FakeVanta) => ({
  base_url: server.url,
  client_id: server.clientId,
  client_secret: server.clientSecret,
  documents: TEST_DOCUMENTS,
  submit: true,
});
/** One push by a fresh process: no token cached. */
const push = (server: FakeVanta, pkg: EvidencePackage, signal?: AbortSignal): Promise<PushReceipt> => {
  clearVantaTokenCache();
  const connector = vanta.create(configFor(server), { http, ...(signal ? { signal } : {}) });
  return connector.push(pkg).finally(() => connector.dispose());
};
const documentOf = (criterion: string | undefined) =>
  TEST_DOCUMENTS[criterion as keyof typeof TEST_DOCUMENTS];

const root = await mkdtemp(join(tmpdir(), "vanta-once-"));
const pkg = await loadEvidencePackage(await writeEvidencePackage(join(root, "json")));

// Every write of a clean push (token, uploads, submits); losing a list's answer changes nothing
// remotely, and a crash between two requests leaves Vanta as a lost answer of the earlier write does.
const clean = await startFakeVanta();
await push(clean, pkg);
const writes = writeSteps(clean.requests());
await clean.close();

const losses: Array<{ how: string; loss: LostAnswer }> = [
  { how: "the server answers 503 after carrying out", loss: { status: 503 } },
  { how: "the process is killed after the server carried out", loss: { hang: true } },
];

describe("vanta exactly-once delivery", () => {
  afterAll(async () => {
    clearVantaTokenCache();
    await rm(root, { recursive: true, force: true });
  });

  it("writes a token request, an upload per file and a submit per document", () => {
    expect(writes.length).toBeGreaterThan(pkg.files.length);
  });

  for (const { how, loss } of losses) {
    for (const { step, request } of writes) {
      it(`keeps one upload per file and submits every document when ${how} ${request} (request ${step})`, async () => {
        const server = await startFakeVanta();
        try {
          server.loseAnswer(step, loss);
          await pushLosingAnswer(server, loss, (signal) => push(server, pkg, signal));
          // The next run (a restarted process) completes the push.
          const receipt = await push(server, pkg);

          for (const file of pkg.files) {
            const copies = server
              .uploads(documentOf(file.criterion))
              .filter((upload) => isUploadOf(upload, file, pkg));
            expect(copies, `uploads of ${file.name}`).toHaveLength(1);
            expect(receipt.files.find((entry) => entry.file === file.name)?.remote_id).toBe(copies[0]?.id);
          }
          expect(server.uploads()).toHaveLength(pkg.files.length);
          expect(new Set(server.submitted())).toEqual(
            new Set(pkg.files.map((file) => documentOf(file.criterion))),
          );
        } finally {
          await server.close();
        }
      });
    }
  }
});
