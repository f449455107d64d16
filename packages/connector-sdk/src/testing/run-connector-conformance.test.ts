import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { secureUrlSchema } from "../config/secure-url-schema.ts";
import type { ConnectorContext, ReceiptFile } from "../connector-types.ts";
import { defineConnector } from "../define-connector.ts";
import { joinUrl } from "../http/secure-url.ts";
import type { EvidenceFile } from "../package/evidence-package.ts";
import { createFakeServer, type FakeServer, readFormData } from "./fake-server.ts";
import { conformanceSuite, runConnectorConformance } from "./run-connector-conformance.ts";

// "Archive", a made-up platform shaped like Vanta's uploads API, so that a plain retry duplicates:
//   GET  /files  → 200 {"data": [{"id", "name", "sha256"}]}        (bearer key)
//   POST /files  multipart: `file` (name and type), `sha256` → 201 {"id"}; every POST adds a copy.
const KEY = "arc_test_key_0123";

interface StoredFile {
  id: string;
  name: string;
  sha256: string;
}

function startArchive(): Promise<FakeServer> {
  const files: StoredFile[] = [];
  return createFakeServer({
    storedFiles: () => files.map((file) => file.name),
    async handle(request) {
      if (request.headers.authorization !== `Bearer ${KEY}`)
        return { status: 401, json: { error: "unauthorized" } };
      if (request.url.pathname !== "/files") return { status: 404, json: { error: "not found" } };
      if (request.method === "GET") return { status: 200, json: { data: files } };
      if (request.method !== "POST") return { status: 405, json: { error: "method not allowed" } };
      const form = await readFormData(request);
      const file = form.get("file");
      const sha256 = form.get("sha256");
      if (!(file instanceof File) || typeof sha256 !== "string" || !file.type)
        return { status: 400, json: { error: "expected a typed file part and sha256" } };
      const stored = { id: `f${files.length + 1}`, name: file.name, sha256 };
      files.push(stored);
      return { status: 201, json: { id: stored.id } };
    },
  });
}

const listSchema = z.object({
  data: z.array(z.object({ id: z.string(), name: z.string(), sha256: z.string() })),
});

/** The archive's two calls, shared by the careful and the naive connector. */
function archiveApi(baseUrl: string, ctx: ConnectorContext) {
  const headers = { authorization: `Bearer ${KEY}` };
  return {
    async list(): Promise<StoredFile[]> {
      const { data } = await ctx.http.request({ url: joinUrl(baseUrl, "/files"), headers });
      return listSchema.parse(data).data;
    },
    async upload(file: EvidenceFile, retry: boolean): Promise<string> {
      const { data } = await ctx.http.request<{ id: string }>({
        method: "POST",
        url: joinUrl(baseUrl, "/files"),
        headers,
        retry,
        body: () => {
          const form = new FormData();
          form.append("file", new Blob([file.bytes], { type: file.mediaType }), file.name);
          form.append("sha256", file.sha256);
          return form;
        },
      });
      return data.id;
    },
  };
}

const config = z.strictObject({ base_url: secureUrlSchema(), api_key: z.string() });
const capabilities = { files: true, idempotent: true } as const;
const receipt = (file: EvidenceFile, remote_id: string, created: boolean): ReceiptFile => ({
  file: file.name,
  criterion: file.criterion,
  remote_id,
  status: created ? "created" : "unchanged",
});

/** Looks before every write it sends again: `ctx.retry` around "look, then POST once". */
const careful = defineConnector({
  name: "careful-archive",
  config,
  capabilities,
  create(options, ctx) {
    const api = archiveApi(options.base_url, ctx);
    return {
      async check() {
        await api.list();
      },
      async push(pkg) {
        let stored = await api.list();
        const files: ReceiptFile[] = [];
        for (const file of pkg.files) {
          const id = await ctx.retry(async (attempt) => {
            if (attempt > 1) stored = await api.list();
            const found = stored.find((item) => item.name === file.name && item.sha256 === file.sha256);
            if (found) return { id: found.id, created: false };
            return { id: await api.upload(file, false), created: true };
          });
          files.push(receipt(file, id.id, id.created));
        }
        return { files };
      },
    };
  },
});

/** Looks once, then lets the HTTP client send a failed upload again: the bug the kit must catch. */
const naive = defineConnector({
  name: "naive-archive",
  config,
  capabilities,
  create(options, ctx) {
    const api = archiveApi(options.base_url, ctx);
    return {
      async check() {
        await api.list();
      },
      async push(pkg) {
        const stored = await api.list();
        const files: ReceiptFile[] = [];
        for (const file of pkg.files) {
          const found = stored.find((item) => item.name === file.name && item.sha256 === file.sha256);
          files.push(receipt(file, found?.id ?? (await api.upload(file, true)), !found));
        }
        return { files };
      },
    };
  },
});

const archiveOptions = {
  server: startArchive,
  config: (server: FakeServer) => ({ base_url: server.url, api_key: KEY }),
  write: { method: "POST", path: "/files" },
};

runConnectorConformance({
  ...archiveOptions,
  connector: careful,
  title: "the conformance kit passes a connector that looks before it sends a write again",
});

describe("the conformance kit against a connector that sends a stored write again", () => {
  const suite = conformanceSuite({ ...archiveOptions, connector: naive });
  beforeAll(suite.prepare);
  afterEach(suite.cleanUp);
  afterAll(suite.remove);
  const standard = (prefix: string) => {
    const found = suite.cases.find((candidate) => candidate.name.startsWith(prefix));
    if (!found) throw new Error(`no conformance case starts with "${prefix}"`);
    return found;
  };

  it("lets it pass the retry and re-push cases, which a plain retry satisfies", async () => {
    await standard("retries 429 and 5xx answers").run();
    await standard("creates nothing new remotely when the same package is pushed again").run();
  });

  for (const what of ["answers 503", "drops the connection", "never answers"]) {
    it(`fails it when the platform stores a write and then ${what}`, async () => {
      const lost = standard(`stores each file once when the platform stores a write and then ${what}`);
      await expect(lost.run()).rejects.toThrow(/a file was stored twice/);
    });
  }
});
