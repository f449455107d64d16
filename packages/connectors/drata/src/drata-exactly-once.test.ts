import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EvidencePackage, loadEvidencePackage, type PushReceipt } from "@iddio-compliance/connector-sdk";
import { writeEvidencePackage } from "@iddio-compliance/connector-sdk/testing";
import { afterAll, describe, expect, it } from "vitest";
import { type LostAnswer, pushLosingAnswer, writeSteps } from "../../test-support/lost-answers.ts";
import { drata } from "./drata-connector.ts";
import { evidenceName } from "./evidence-text.ts";
import { type FakeDrata, startFakeDrata } from "./test-support/fake-drata-server.ts";

const http = { sleep: async () => {}, retry: { baseDelayMs: 1 }, timeoutMs: 2_000 };
const configFor = (server: FakeDrata) => ({
  api_key: server.apiKey,
  base_url: server.url,
  workspace_id: server.workspaceId,
  control_ids: { "CC6.1": [12] },
});
const push = (server: FakeDrata, pkg: EvidencePackage, signal?: AbortSignal): Promise<PushReceipt> => {
  const connector = drata.create(configFor(server), { http, ...(signal ? { signal } : {}) });
  return connector.push(pkg).finally(() => connector.dispose());
};
const periodEnd = (pkg: EvidencePackage) => `${pkg.summary.period.to}T23:59:59.000Z`;

const root = await mkdtemp(join(tmpdir(), "drata-once-"));
const q1 = await loadEvidencePackage(await writeEvidencePackage(join(root, "q1")));
const q2 = await loadEvidencePackage(
  await writeEvidencePackage(join(root, "q2"), {
    period: { from: "2026-04-01", to: "2026-06-30", time_zone: "UTC" },
  }),
);

/** Every write of a clean push of `pkg` after `before`: pre-uploads, creates, updates. */
async function writesOf(before: EvidencePackage[], pkg: EvidencePackage) {
  const server = await startFakeDrata();
  for (const earlier of before) await push(server, earlier);
  const from = server.requests().length;
  await push(server, pkg);
  await server.close();
  return writeSteps(server.requests().slice(from));
}

// Losing a read's answer changes nothing remotely, and a crash between two requests leaves Drata as a
// lost answer of the earlier write does: so each write of the push is a crash point.
const cases = [
  { path: "a first period (create)", before: [], pkg: q1, writes: await writesOf([], q1) },
  { path: "a later period (replace)", before: [q1], pkg: q2, writes: await writesOf([q1], q2) },
];
const losses: Array<{ how: string; loss: LostAnswer }> = [
  { how: "the server answers 503 after carrying out", loss: { status: 503 } },
  { how: "the process is killed after the server carried out", loss: { hang: true } },
];

describe("drata exactly-once delivery", () => {
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const { path, before, pkg, writes } of cases) {
    it(`writes a pre-upload and a create or update per criterion for ${path}`, () => {
      expect(writes.length).toBeGreaterThan(pkg.files.length);
    });
    for (const { how, loss } of losses) {
      for (const { step, request } of writes) {
        it(`keeps one evidence item per criterion and one artifact version per file and period for ${path} when ${how} ${request} (request ${step})`, async () => {
          const server = await startFakeDrata();
          try {
            for (const earlier of before) await push(server, earlier);
            server.loseAnswer(step, loss);
            await pushLosingAnswer(server, loss, (signal) => push(server, pkg, signal));
            // The next run (a restarted process) completes the push.
            const receipt = await push(server, pkg);

            const pushed = [...before, pkg];
            for (const file of pkg.files) {
              const items = server
                .evidence()
                .filter((item) => item.name === evidenceName(file.criterion ?? "summary"));
              expect(items, `evidence for ${file.criterion}`).toHaveLength(1);
              const artifacts = items[0]?.artifacts.filter((artifact) => artifact.artifactName === file.name);
              expect(artifacts, `artifacts named ${file.name}`).toHaveLength(1);
              expect(artifacts?.[0]?.versions.map((version) => version.filedAt)).toEqual(
                pushed.map(periodEnd),
              );
              expect(receipt.files.find((entry) => entry.file === file.name)?.remote_id).toBe(
                `${items[0]?.id}/${artifacts?.[0]?.id}`,
              );
            }
          } finally {
            await server.close();
          }
        });
      }
    }
  }
});
