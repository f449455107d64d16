import { randomBytes } from "node:crypto";
import {
  createFakeServer,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  readFormData,
} from "@iddio-compliance/connector-sdk/testing";

/** One upload stored by the fake, as Vanta's 201 body describes it. */
export interface FakeUpload {
  id: string;
  documentId: string;
  fileName: string;
  title: string;
  description: string | null;
  url: string;
  creationDate: string;
  updatedDate: string;
  effectiveDate: string | null;
  deletionDate: null;
  mimeType: string;
  uploadedBy: { id: string; type: string };
  size: number;
}

/** Options of the fake. */
export interface FakeVantaOptions {
  /** Document ids that exist. */
  documents?: string[];
  /** The clock the fake uses for token expiry and the token rate limit. @default Date.now */
  now?: () => number;
  /** Token lifetime. @default 3600 */
  tokenTtlSeconds?: number;
}

/** A local Vanta: `/oauth/token` (one active token per app, 5 requests/minute) and document uploads. */
export interface FakeVanta extends FakeServer {
  clientId: string;
  clientSecret: string;
  /** Number of token requests answered with a token. */
  tokensIssued(): number;
  uploads(documentId?: string): FakeUpload[];
  submitted(): string[];
}

const ALLOWED_SCOPES = new Set(["vanta-api.all:read", "vanta-api.all:write", "vanta-api.documents:upload"]);
const PART_TYPES = new Set(["application/json", "text/csv", "application/pdf"]);
const DEFAULT_DOCUMENTS = [
  "access-requests",
  "access-reviews",
  "credential-lifecycle",
  "authorization-changes",
  "monitoring",
  "soc2-summary",
  "audit-log-integrity",
];

const error = (status: number, message: string): FakeResponse => ({ status, json: { error: message } });

/** Starts the fake on 127.0.0.1 with a random port and random client credentials. */
export async function startFakeVanta(options: FakeVantaOptions = {}): Promise<FakeVanta> {
  const now = options.now ?? Date.now;
  const ttl = options.tokenTtlSeconds ?? 3600;
  const documents = new Set(options.documents ?? DEFAULT_DOCUMENTS);
  const clientId = `vanta_client_${randomBytes(6).toString("hex")}`;
  const clientSecret = `vanta_secret_${randomBytes(16).toString("hex")}`;
  let active: { token: string; expiresAt: number } | undefined;
  const tokenTimes: number[] = [];
  let issued = 0;
  const uploads: FakeUpload[] = [];
  const submits: string[] = [];

  function issueToken(request: FakeRequest): FakeResponse {
    if (!/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
      return error(400, "invalid_request: expected a JSON body");
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body.toString("utf8"));
    } catch {
      return error(400, "invalid_request: malformed JSON");
    }
    const at = now();
    while (tokenTimes.length && (tokenTimes[0] ?? 0) <= at - 60_000) tokenTimes.shift();
    if (tokenTimes.length >= 5) return error(429, "rate limit exceeded");
    tokenTimes.push(at);
    if (body.grant_type !== "client_credentials") return error(400, "unsupported_grant_type");
    if (body.client_id !== clientId || body.client_secret !== clientSecret)
      return error(401, "invalid_client");
    const scopes = typeof body.scope === "string" ? body.scope.split(" ").filter(Boolean) : [];
    if (scopes.length === 0 || scopes.some((scope) => !ALLOWED_SCOPES.has(scope)))
      return error(400, "invalid_scope");
    // One active token per application: a new one revokes the previous one at once.
    active = { token: `vat_${randomBytes(24).toString("hex")}`, expiresAt: at + ttl * 1000 };
    issued++;
    return { status: 200, json: { access_token: active.token, expires_in: ttl, token_type: "Bearer" } };
  }

  async function handle(request: FakeRequest): Promise<FakeResponse> {
    const { method, url } = request;
    if (url.pathname === "/oauth/token")
      return method === "POST" ? issueToken(request) : error(405, "method not allowed");
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !active || bearer !== active.token || now() >= active.expiresAt)
      return error(401, "Unauthorized");

    const match = /^\/v1\/documents\/([^/]+)\/(uploads|submit)$/.exec(url.pathname);
    if (!match) return error(404, "Not found");
    const documentId = decodeURIComponent(match[1] ?? "");
    if (!documents.has(documentId)) return error(404, `Document ${documentId} not found`);

    if (match[2] === "submit") {
      if (method !== "POST") return error(405, "method not allowed");
      submits.push(documentId);
      return { status: 200, json: { id: documentId, overallStatus: "OK" } };
    }
    if (method === "GET") {
      const pageSize = Number(url.searchParams.get("pageSize") ?? "10");
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
        return error(400, "pageSize must be between 1 and 100");
      const start = Number(url.searchParams.get("pageCursor") ?? "0");
      const all = uploads.filter((item) => item.documentId === documentId);
      const data = all.slice(start, start + pageSize).map(({ documentId: _d, size: _s, ...item }) => item);
      const hasNextPage = start + pageSize < all.length;
      return {
        status: 200,
        json: {
          results: {
            data,
            pageInfo: { hasNextPage, endCursor: hasNextPage ? String(start + pageSize) : null },
          },
        },
      };
    }
    if (method !== "POST") return error(405, "method not allowed");
    if (!/^multipart\/form-data\b/i.test(request.headers["content-type"] ?? ""))
      return error(415, "Content-Type must be multipart/form-data");
    let form: FormData;
    try {
      form = await readFormData(request);
    } catch {
      return error(400, "malformed multipart body");
    }
    const file = form.get("file");
    if (!(file instanceof File)) return error(400, "file is required");
    if (!file.name) return error(400, "file must have a filename");
    if (!PART_TYPES.has(file.type))
      return error(
        400,
        `unsupported file type "${file.type || "none"}"; send the part with an explicit content type`,
      );
    const effective = form.get("effectiveAtDate");
    if (effective !== null && (typeof effective !== "string" || Number.isNaN(Date.parse(effective))))
      return error(400, "effectiveAtDate must be a date");
    const description = form.get("description");
    if (description !== null && typeof description !== "string")
      return error(400, "description must be a string");
    const at = new Date(now()).toISOString();
    const id = randomBytes(12).toString("hex");
    const stored: FakeUpload = {
      id,
      documentId,
      fileName: file.name,
      title: file.name,
      description: description ?? null,
      url: `https://app.vanta.com/documents/${documentId}/uploads/${id}`,
      creationDate: at,
      updatedDate: at,
      effectiveDate: effective ?? null,
      deletionDate: null,
      mimeType: file.type,
      uploadedBy: { id: clientId, type: "application" },
      size: file.size,
    };
    uploads.push(stored);
    const { documentId: _d, size: _s, ...body } = stored;
    return { status: 201, json: body };
  }

  const server = await createFakeServer({ handle, storedFiles: () => uploads.map((item) => item.fileName) });
  return Object.assign(server, {
    clientId,
    clientSecret,
    tokensIssued: () => issued,
    uploads: (documentId?: string) =>
      uploads.filter((item) => documentId === undefined || item.documentId === documentId),
    submitted: () => [...submits],
  });
}
