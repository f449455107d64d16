import { afterEach, describe, expect, it } from "vitest";
import { type FakeDrata, startFakeDrata } from "./fake-drata-server.ts";

const servers: FakeDrata[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(): Promise<FakeDrata> {
  const server = await startFakeDrata();
  servers.push(server);
  return server;
}

async function call(
  server: FakeDrata,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/public/v2/workspaces/${server.workspaceId}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.apiKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

async function preUpload(server: FakeDrata, name: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob(["{}"], { type: "application/json" }), name);
  const response = await fetch(`${server.url}/public/v2/workspaces/${server.workspaceId}/evidence-files`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.apiKey}` },
    body: form,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { fileKey: string }).fileKey;
}

const filedAt = "2026-03-31T23:59:59.000Z";
const urlArtifact = (i: number) => ({
  type: "URL",
  artifactName: `link-${i}`,
  url: `https://x.example/${i}`,
  filedAt,
});

describe("fake drata (public API v2, Evidence)", () => {
  it("expands artifacts as a {data, totalCount} subcollection of at most 10, and pages the artifacts endpoint", async () => {
    const server = await start();
    const created = await call(server, "POST", "/evidence", {
      name: "many",
      artifacts: Array.from({ length: 12 }, (_, i) => urlArtifact(i)),
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ artifactsRequested: 12, artifactsCreated: 12 });
    expect(Array.isArray(created.json.artifacts)).toBe(true);

    const list = await call(server, "GET", "/evidence?name=many&expand%5B%5D=artifacts");
    const item = (list.json.data as Array<{ artifacts: { data: unknown[]; totalCount: number } }>)[0];
    expect(item?.artifacts.data).toHaveLength(10);
    expect(item?.artifacts.totalCount).toBe(12);
    expect(list.json.pagination).toEqual({ cursor: null });

    const first = await call(server, "GET", `/evidence/${created.json.id}/artifacts?size=5`);
    expect(first.json.data).toHaveLength(5);
    const cursor = (first.json.pagination as { cursor: string }).cursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await call(
      server,
      "GET",
      `/evidence/${created.json.id}/artifacts?size=500&cursor=${cursor}`,
    );
    expect(second.json.data).toHaveLength(7);
    expect(second.json.pagination).toEqual({ cursor: null });
    expect((second.json.data as Array<Record<string, unknown>>)[0]).toMatchObject({
      artifactType: "URL",
      artifactVersion: 1,
      filedAt,
      archivedAt: null,
    });
  });

  it("refuses an update whose artifacts name their kind `type`, as the update request takes `artifactType`", async () => {
    const server = await start();
    const created = await call(server, "POST", "/evidence", { name: "e", artifacts: [urlArtifact(1)] });
    const artifactId = (created.json.artifacts as Array<{ id: number }>)[0]?.id;
    const wrong = await call(server, "PUT", `/evidence/${created.json.id}`, {
      replaceArtifacts: [
        { type: "URL", url: "https://x.example/new", filedAt, existingArtifactId: artifactId },
      ],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toMatchObject({ name: "BadRequestException", statusCode: 400 });
    expect(wrong.json.message).toMatch(/replaceArtifacts\.0\.property type should not exist/);
    expect(wrong.json.message).toMatch(/replaceArtifacts\.0\.artifactType/);

    const right = await call(server, "PUT", `/evidence/${created.json.id}`, {
      replaceArtifacts: [
        { artifactType: "URL", url: "https://x.example/new", filedAt, existingArtifactId: artifactId },
      ],
    });
    expect(right.status).toBe(200);
    expect((right.json.artifacts as Array<{ id: number; artifactVersion: number }>)[0]).toMatchObject({
      id: artifactId,
      artifactVersion: 2,
    });
  });

  it("refuses a replace without existingArtifactId or filedAt, and a create artifact named `artifactType`", async () => {
    const server = await start();
    const created = await call(server, "POST", "/evidence", { name: "e", artifacts: [urlArtifact(1)] });
    const missing = await call(server, "PUT", `/evidence/${created.json.id}`, {
      replaceArtifacts: [{ artifactType: "URL", url: "https://x.example/new" }],
    });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toMatch(/replaceArtifacts\.0\.filedAt/);
    expect(missing.json.message).toMatch(/replaceArtifacts\.0\.existingArtifactId/);
    const wrongCreate = await call(server, "POST", "/evidence", {
      name: "f",
      artifacts: [{ artifactType: "URL", url: "https://x.example/1", filedAt }],
    });
    expect(wrongCreate.status).toBe(400);
    expect(wrongCreate.json.message).toMatch(/artifacts\.0\.property artifactType should not exist/);
  });

  it("requires a file key pre-uploaded by this account for an S3_FILE artifact, and lets it be used again", async () => {
    const server = await start();
    const fileKey = await preUpload(server, "a.json");
    expect(server.unusedFileKeys()).toEqual([fileKey]);
    const ok = await call(server, "POST", "/evidence", {
      name: "e",
      artifacts: [{ type: "S3_FILE", fileKey, filedAt }],
    });
    expect(ok.status).toBe(201);
    expect(server.unusedFileKeys()).toEqual([]);
    const again = await call(server, "POST", "/evidence", {
      name: "g",
      artifacts: [{ type: "S3_FILE", fileKey, filedAt }],
    });
    expect(again.status).toBe(201);
    const unknown = await call(server, "POST", "/evidence", {
      name: "h",
      artifacts: [{ type: "S3_FILE", fileKey: "1/evidence-library/nope/a.json", filedAt }],
    });
    expect(unknown.status).toBe(400);
  });

  it("refuses unknown query parameters, sizes out of range and a made-up cursor", async () => {
    const server = await start();
    for (const query of ["expand=artifacts", "size=0", "size=501", "limit=5", "cursor=bm9wZQ"]) {
      const answer = await call(server, "GET", `/evidence?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json).toMatchObject({ name: "BadRequestException", statusCode: 400 });
    }
  });

  it("answers a wrong key with 401 and Drata's error body, and an unknown workspace with 404", async () => {
    const server = await start();
    const unauthorized = await fetch(`${server.url}/public/v2/workspaces/1/evidence`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({
      statusCode: 401,
      message: "Invalid Authorization",
      code: 10_401,
    });
    const response = await fetch(`${server.url}/public/v2/workspaces/7/evidence`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect(response.status).toBe(404);
  });

  it("carries out a request whose answer it then loses", async () => {
    const server = await start();
    server.loseAnswer(0, { status: 503 });
    const lost = await call(server, "POST", "/evidence", { name: "e", artifacts: [urlArtifact(1)] });
    expect(lost.status).toBe(503);
    expect(server.lostAnswers()).toBe(1);
    expect(server.evidence().map((item) => item.name)).toEqual(["e"]);
  });
});
