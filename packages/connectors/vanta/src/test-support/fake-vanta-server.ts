/**
 * A local Vanta (Manage Vanta REST API, Documents), built from Vanta's API reference
 * (https://developer.vanta.com/api-reference/documents/upload-file-for-document ,
 * …/documents/list-documents-uploads — `manage-vanta.json`, server `https://api.vanta.com/v1`), the
 * guides https://developer.vanta.com/docs/guides/upload-a-document and
 * https://developer.vanta.com/docs/rest-api-authentication , as summarised in
 * /work/shared/reference/grc-apis.md §1.2, §1.3 and §1.5:
 *
 * - `POST /oauth/token` (JSON `{client_id, client_secret, scope, grant_type: "client_credentials"}`) →
 *   `{access_token, expires_in, token_type}`; one active token per application (a new one revokes the
 *   last at once), 5 token requests a minute, OAuth error bodies `{error, error_description}`
 *   (RFC 6749 §5.2); unknown token parameters are ignored, as RFC 6749 §3.1 requires;
 * - `GET /v1/documents/{documentId}/uploads` with `pageSize` (1–100, default 10) and `pageCursor` →
 *   `{results: {data: [UploadedFile], pageInfo: {startCursor, endCursor, hasNextPage, hasPreviousPage}}}`;
 * - `POST /v1/documents/{documentId}/uploads` as multipart: `file` (required, with an explicit part
 *   type — an untyped part stores a blank document), `effectiveAtDate`, `description` → 201 UploadedFile
 *   `{id, fileName, title, description, url, creationDate, updatedDate, effectiveDate, deletionDate,
 *   mimeType, uploadedBy: {id, type}}`;
 * - `POST /v1/documents/{documentId}/submit`;
 * - every API call needs `Authorization: Bearer <token>` (401 otherwise), an unknown document is 404,
 *   an unknown query parameter or form part is 400. Vanta publishes no error schema; the fake answers
 *   `{error: "…"}`, the body third parties report.
 */
import { randomBytes } from "node:crypto";
import {
  createFakeServer,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  readFormData,
} from "@iddio-compliance/connector-sdk/testing";
import { type LosesAnswers, losingAnswers } from "../../../test-support/lost-answers.ts";

/** One upload stored by the fake, as Vanta's UploadedFile describes it. */
export interface FakeUpload {
  id: string;
  documentId: string;
  fileName: string | null;
  title: string;
  description: string | null;
  url: string;
  creationDate: string;
  updatedDate: string;
  effectiveDate: string | null;
  deletionDate: null;
  mimeType: string;
  uploadedBy: { id: string; type: string };
}

/** Options of the fake. */
export interface FakeVantaOptions {
  /** Document ids that exist. */
  documents?: string[];
  /** The clock the fake uses for token expiry, the token rate limit and dates. @default Date.now */
  now?: () => number;
  /** Token lifetime. @default 3600 */
  tokenTtlSeconds?: number;
}

/** A local Vanta: `/oauth/token` (one active token per app, 5 requests/minute) and document uploads. */
export interface FakeVanta extends FakeServer, LosesAnswers {
  clientId: string;
  clientSecret: string;
  /** Number of token requests answered with a token. */
  tokensIssued(): number;
  uploads(documentId?: string): FakeUpload[];
  submitted(): string[];
}

const ALLOWED_SCOPES = new Set(["vanta-api.all:read", "vanta-api.all:write", "vanta-api.documents:upload"]);
const PART_TYPES = new Set(["application/json", "text/csv", "application/pdf"]);
const UPLOAD_PARTS = new Set(["file", "effectiveAtDate", "description"]);
/** A criterion → document mapping onto documents the fake holds by default. */
export const TEST_DOCUMENTS = {
  "CC6.1": "access-requests",
  "CC6.2": "credential-lifecycle",
  "CC6.3": "authorization-changes",
  "CC7.2": "monitoring",
  summary: "soc2-summary",
  integrity: "audit-log-integrity",
} as const;
const DEFAULT_DOCUMENTS = ["access-reviews", ...Object.values(TEST_DOCUMENTS)];

const error = (status: number, message: string): FakeResponse => ({ status, json: { error: message } });
const oauthError = (status: number, code: string, description: string): FakeResponse => ({
  status,
  json: { error: code, error_description: description },
});

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
      return oauthError(400, "invalid_request", "the token request must be a JSON body");
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body.toString("utf8"));
    } catch {
      return oauthError(400, "invalid_request", "malformed JSON");
    }
    const at = now();
    while (tokenTimes.length && (tokenTimes[0] ?? 0) <= at - 60_000) tokenTimes.shift();
    if (tokenTimes.length >= 5) return error(429, "rate limit exceeded");
    tokenTimes.push(at);
    const missing = ["client_id", "client_secret", "scope", "grant_type"].filter(
      (key) => typeof body[key] !== "string" || body[key] === "",
    );
    if (missing.length) return oauthError(400, "invalid_request", `missing ${missing.join(", ")}`);
    if (body.grant_type !== "client_credentials")
      return oauthError(400, "unsupported_grant_type", "use client_credentials");
    if (body.client_id !== clientId || body.client_secret !== clientSecret)
      return oauthError(401, "invalid_client", "client authentication failed");
    const scopes = String(body.scope).split(" ").filter(Boolean);
    if (scopes.some((scope) => !ALLOWED_SCOPES.has(scope)))
      return oauthError(400, "invalid_scope", "a scope does not match the application type");
    // One active token per application: a new one revokes the previous one at once.
    active = { token: `vat_${randomBytes(24).toString("hex")}`, expiresAt: at + ttl * 1000 };
    issued++;
    return { status: 200, json: { access_token: active.token, expires_in: ttl, token_type: "Bearer" } };
  }

  const shown = ({ documentId: _documentId, ...upload }: FakeUpload) => upload;

  function listUploads(url: URL, documentId: string): FakeResponse {
    const unknown = [...url.searchParams.keys()].filter((key) => key !== "pageSize" && key !== "pageCursor");
    if (unknown.length) return error(400, `unknown query parameter ${unknown.join(", ")}`);
    const pageSize = Number(url.searchParams.get("pageSize") ?? "10");
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
      return error(400, "pageSize must be an integer between 1 and 100");
    const all = uploads.filter((item) => item.documentId === documentId);
    const cursor = url.searchParams.get("pageCursor");
    // The cursor is the id of the last item of the previous page (opaque to clients).
    const start = cursor === null ? 0 : all.findIndex((item) => item.id === cursor) + 1;
    if (start === 0 && cursor !== null) return error(400, "invalid pageCursor");
    const data = all.slice(start, start + pageSize);
    return {
      status: 200,
      json: {
        results: {
          data: data.map(shown),
          pageInfo: {
            startCursor: data[0]?.id ?? null,
            endCursor: data.at(-1)?.id ?? null,
            hasNextPage: start + pageSize < all.length,
            hasPreviousPage: start > 0,
          },
        },
      },
    };
  }

  async function upload(request: FakeRequest, documentId: string): Promise<FakeResponse> {
    if (!/^multipart\/form-data\b/i.test(request.headers["content-type"] ?? ""))
      return error(415, "Content-Type must be multipart/form-data");
    let form: FormData;
    try {
      form = await readFormData(request);
    } catch {
      return error(400, "malformed multipart body");
    }
    const unknown = [...new Set(form.keys())].filter((key) => !UPLOAD_PARTS.has(key));
    if (unknown.length) return error(400, `unknown form field ${unknown.join(", ")}`);
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
      effectiveDate: effective === null ? null : new Date(effective).toISOString(),
      deletionDate: null,
      mimeType: file.type,
      uploadedBy: { id: clientId, type: "APPLICATION" },
    };
    uploads.push(stored);
    return { status: 201, json: shown(stored) };
  }

  async function route(request: FakeRequest): Promise<FakeResponse> {
    const { method, url } = request;
    if (url.pathname === "/oauth/token")
      return method === "POST" ? issueToken(request) : error(405, "method not allowed");
    const match = /^\/v1\/documents\/([^/]+)\/(uploads|submit)$/.exec(url.pathname);
    if (!match) return error(404, "Not found");
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !active || bearer !== active.token || now() >= active.expiresAt)
      return error(401, "Unauthorized");
    const documentId = decodeURIComponent(match[1] ?? "");
    if (!documents.has(documentId)) return error(404, `Document ${documentId} not found`);
    const endpoint = `${method} ${match[2]}`;
    if (endpoint === "GET uploads") return listUploads(url, documentId);
    if (url.search) return error(400, "this endpoint takes no query parameters");
    if (endpoint === "POST uploads") return upload(request, documentId);
    if (endpoint === "POST submit") {
      submits.push(documentId);
      return { status: 200, json: { id: documentId } };
    }
    return error(405, "method not allowed");
  }

  const { handle, ...losing } = losingAnswers(route, error);

  const server = await createFakeServer({
    handle,
    storedFiles: () => uploads.map((item) => item.fileName ?? item.id),
  });
  return Object.assign(server, {
    clientId,
    clientSecret,
    tokensIssued: () => issued,
    uploads: (documentId?: string) =>
      uploads.filter((item) => documentId === undefined || item.documentId === documentId),
    submitted: () => [...submits],
    ...losing,
  });
}
