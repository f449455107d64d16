import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EvidencePackage, loadEvidencePackage, type PushReceipt } from "@iddio-compliance/connector-sdk";
import { writeEvidencePackage } from "@iddio-compliance/connector-sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drata } from "./drata-connector.ts";
import { evidenceName } from "./evidence-text.ts";
import { type FakeDrata, type LostAnswer, startFakeDrata } from "./test-support/fake-drata-server.ts";

const fast = { http: { sleep: async () => {}, retry: { baseDelayMs: 1 } } };
const configFor = (server: FakeDrata) => ({
  api_key: server.apiKey,
  base_url: server.url,
  workspace_id: server.workspaceId,
  control_ids: { "CC6.1": [12] },
});
const periodEnd = (pkg: EvidencePackage) => `${pkg.summary.period.to}T23:59:59.000Z`;

/** Pushes with fresh connector instances (a restarted process) until one push succeeds; at most 3. */
async function pushUntilSettled(server: FakeDrata, pkg: EvidencePackage): Promise<PushReceipt> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await drata.create(configFor(server), fast).push(pkg);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** Drata holds one evidence item per criterion and one artifact per file, with one version per pushed period. */
function expectExactlyOnce(server: FakeDrata, pushed: EvidencePackage[], where: string): void {
  const latest = pushed.at(-1);
  if (!latest) throw new Error("nothing pushed");
  for (const file of latest.files) {
    if (!file.criterion) continue;
    const items = server.evidence().filter((item) => item.name === evidenceName(file.criterion ?? "summary"));
    expect(items, `${where}: evidence for ${file.criterion}`).toHaveLength(1);
    const artifacts = items[0]?.artifacts.filter((artifact) => artifact.artifactName === file.name) ?? [];
    expect(artifacts, `${where}: artifacts named ${file.name}`).toHaveLength(1);
    expect(
      artifacts[0]?.versions.map((version) => version.filedAt),
      `${where}: versions of ${file.name}`,
    ).toEqual(pushed.map(periodEnd));
  }
}

/** Loses the answer of request `step` of a push of `pkg` (after `before` was pushed), then pushes again. */
async function crashAt(
  before: EvidencePackage[],
  pkg: EvidencePackage,
  step: number,
  loss: LostAnswer,
): Promise<{ server: FakeDrata; receipt: PushReceipt }> {
  const server = await startFakeDrata();
  for (const earlier of before) await drata.create(configFor(server), fast).push(earlier);
  server.loseAnswer(step, loss);
  const controller = new AbortController();
  const connector = drata.create(configFor(server), {
    ...fast,
    signal: controller.signal,
    http: { ...fast.http, timeoutMs: 2_000 },
  });
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

describe("drata exactly-once delivery", () => {
  let root: string;
  let q1: EvidencePackage;
  let q2: EvidencePackage;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "drata-once-"));
    q1 = await loadEvidencePackage(await writeEvidencePackage(join(root, "q1")));
    q2 = await loadEvidencePackage(
      await writeEvidencePackage(join(root, "q2"), {
        period: { from: "2026-04-01", to: "2026-06-30", time_zone: "UTC" },
      }),
    );
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const cases = [
    { path: "a first period (create)", before: () => [], pkg: () => q1 },
    { path: "a later period (replace)", before: () => [q1], pkg: () => q2 },
  ];
  const losses: Array<{ how: string; loss: LostAnswer }> = [
    { how: "the server answers 503 after carrying out the request", loss: { status: 503 } },
    { how: "the process is killed after the server carried out the request", loss: { hang: true } },
  ];

  for (const { path, before, pkg } of cases) {
    for (const { how, loss } of losses) {
      it(`keeps one evidence item, one artifact and one version per file for ${path} when ${how}, at every write`, async () => {
        const clean = await startFakeDrata();
        for (const earlier of before()) await drata.create(configFor(clean), fast).push(earlier);
        const from = clean.requests().length;
        await drata.create(configFor(clean), fast).push(pkg());
        // Every write of the push (pre-upload, create, update). Losing a read's answer changes nothing
        // remotely, and a crash between two requests leaves Drata as a lost answer of the earlier write does.
        const writes = clean
          .requests()
          .slice(from)
          .flatMap((request, i) => (request.method === "GET" ? [] : [i]));
        await clean.close();
        expect(writes.length).toBeGreaterThan(pkg().files.length);

        for (const step of writes) {
          const { server, receipt } = await crashAt(before(), pkg(), step, loss);
          try {
            expectExactlyOnce(server, [...before(), pkg()], `step ${step}`);
            expect(receipt.files.map((file) => file.file).sort()).toEqual(
              pkg()
                .files.map((file) => file.name)
                .sort(),
            );
            for (const file of receipt.files) expect(file.remote_id, `step ${step}`).toMatch(/^\d+\/\d+$/);
          } finally {
            await server.close();
          }
        }
      });
    }
  }
});
