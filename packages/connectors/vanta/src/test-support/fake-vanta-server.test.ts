import { afterEach, describe, expect, it } from "vitest";
import { type FakeVanta, startFakeVanta } from "./fake-vanta-server.ts";

const servers: FakeVanta[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(): Promise<FakeVanta> {
  const server = await startFakeVanta();
  servers.push(server);
  return server;
}

const tokenRequest = (server: FakeVanta, body: Record<string, unknown>) =>
  fetch(`${server.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const credentials = (server: FakeVanta) => ({
  client_id: server.clientId,
  client_secret: server.clientSecret,
  scope: "vanta-api.all:read vanta-api.all:write",
  grant_type: "client_credentials",
});
async function token(server: FakeVanta): Promise<string> {
  const response = await tokenRequest(server, credentials(server));
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function uploadForm(fields: Record<string, string>, type = "text/csv"): FormData {
  const form = new FormData();
  form.append("file", new Blob(["a,b\n"], { type }), "x.csv");
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return form;
}

const uploads = (server: FakeVanta, bearer: string, query = "") =>
  fetch(`${server.url}/v1/documents/access-requests/uploads${query}`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
const upload = (server: FakeVanta, bearer: string, form: FormData) =>
  fetch(`${server.url}/v1/documents/access-requests/uploads`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}` },
    body: form,
  });

describe("fake vanta (Manage Vanta, documents)", () => {
  it("keeps one active token per application and allows 5 token requests a minute", async () => {
    const server = await start();
    const first = await token(server);
    const second = await token(server);
    expect((await uploads(server, first)).status).toBe(401);
    expect((await uploads(server, second)).status).toBe(200);
    for (let i = 0; i < 3; i++) await token(server);
    const limited = await tokenRequest(server, credentials(server));
    expect(limited.status).toBe(429);
  });

  it("answers token requests with OAuth error bodies, ignoring unknown parameters as RFC 6749 requires", async () => {
    const server = await start();
    const missing = await tokenRequest(server, { ...credentials(server), scope: undefined });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });
    const wrong = await tokenRequest(server, { ...credentials(server), client_secret: "nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });
    const extra = await tokenRequest(server, { ...credentials(server), audience: "x" });
    expect(extra.status).toBe(200);
    expect(await extra.json()).toEqual({
      access_token: expect.any(String),
      expires_in: 3600,
      token_type: "Bearer",
    });
  });

  it("takes uploads as typed multipart parts and refuses JSON, untyped parts and unknown fields", async () => {
    const server = await start();
    const bearer = await token(server);
    const json = await fetch(`${server.url}/v1/documents/access-requests/uploads`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(415);
    expect((await upload(server, bearer, uploadForm({}, ""))).status).toBe(400);
    const unknown = await upload(server, bearer, uploadForm({ effectiveDate: "2026-03-31" }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: "unknown form field effectiveDate" });
    const stored = await upload(
      server,
      bearer,
      uploadForm({ effectiveAtDate: "2026-03-31T23:59:59.000Z", description: "d" }),
    );
    expect(stored.status).toBe(201);
    expect(Object.keys(await stored.json()).sort()).toEqual(
      [
        "id",
        "fileName",
        "title",
        "description",
        "url",
        "creationDate",
        "updatedDate",
        "effectiveDate",
        "deletionDate",
        "mimeType",
        "uploadedBy",
      ].sort(),
    );
  });

  it("pages uploads with pageSize and pageCursor and answers the documented pageInfo", async () => {
    const server = await start();
    const bearer = await token(server);
    for (let i = 0; i < 3; i++) expect((await upload(server, bearer, uploadForm({}))).status).toBe(201);
    const first = (await (await uploads(server, bearer, "?pageSize=2")).json()) as {
      results: { data: unknown[]; pageInfo: Record<string, unknown> };
    };
    expect(first.results.data).toHaveLength(2);
    expect(first.results.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const cursor = String(first.results.pageInfo.endCursor);
    const second = (await (await uploads(server, bearer, `?pageSize=2&pageCursor=${cursor}`)).json()) as {
      results: { data: unknown[]; pageInfo: Record<string, unknown> };
    };
    expect(second.results.data).toHaveLength(1);
    expect(second.results.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    for (const query of ["?pageSize=0", "?pageSize=101", "?limit=5", "?pageCursor=nope"])
      expect((await uploads(server, bearer, query)).status, query).toBe(400);
  });

  it("carries out a request whose answer it then loses", async () => {
    const server = await start();
    const bearer = await token(server);
    server.loseAnswer(0, { status: 503 });
    expect((await upload(server, bearer, uploadForm({}))).status).toBe(503);
    expect(server.lostAnswers()).toBe(1);
    expect(server.uploads("access-requests")).toHaveLength(1);
  });
});
