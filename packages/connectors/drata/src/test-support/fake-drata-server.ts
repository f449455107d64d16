import { randomBytes } from "node:crypto";
import {
  createFakeServer,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  readFormData,
} from "@iddio-compliance/connector-sdk/testing";

/** One version of an artifact. */
export interface FakeArtifactVersion {
  version: number;
  fileKey: string | null;
  filedAt: string;
  originalFilename: string | null;
}

/** An artifact of an evidence item; `replaceArtifacts` adds versions and keeps its id. */
export interface FakeArtifact {
  id: number;
  type: string;
  artifactName: string;
  versions: FakeArtifactVersion[];
}

/** An evidence item of the fake's evidence library. */
export interface FakeEvidence {
  id: number;
  name: string;
  description: string | null;
  renewalScheduleType: string | null;
  renewalDate: string | null;
  controlIds: number[];
  artifacts: FakeArtifact[];
}

/** Options of the fake. */
export interface FakeDrataOptions {
  /** The API key it accepts. @default a random key */
  apiKey?: string;
  /** The workspace that exists. @default 1 */
  workspaceId?: number;
  /** Control ids that exist. @default 1–100 */
  controlIds?: number[];
  /** Largest file accepted by `evidence-files` (413 above). @default 25 MiB */
  maxFileBytes?: number;
}

/** A local Drata public API v2 (evidence library). */
export interface FakeDrata extends FakeServer {
  apiKey: string;
  workspaceId: number;
  evidence(): FakeEvidence[];
  /** The next create or update stores `count` fewer artifacts than requested (Drata's partial failure). */
  dropArtifacts(count: number): void;
}

const ALLOWED_EXTENSIONS =
  /\.(pdf|docx|odt|doc|xlsx|ods|pptx|odp|gif|jpe?g|png|json|csv|md|markdown|txt|html|log|zip|msg|mp4)$/i;
const SCHEDULES = new Set([
  "ONE_MONTH",
  "TWO_MONTHS",
  "THREE_MONTHS",
  "SIX_MONTHS",
  "ONE_YEAR",
  "CUSTOM",
  "NONE",
]);
const ARTIFACT_TYPES = new Set(["S3_FILE", "URL", "TICKET_PROVIDER"]);

const EXCEPTIONS: Record<number, string> = {
  400: "BadRequestException",
  401: "UnauthorizedException",
  404: "NotFoundException",
  405: "MethodNotAllowedException",
  413: "PayloadTooLargeException",
  415: "UnsupportedMediaTypeException",
};

const ERROR = Symbol("error response");

/** Drata's documented v2 error body (`ExceptionResponsePublicV2Dto`). */
function error(statusCode: number, message: string): FakeResponse {
  const name = EXCEPTIONS[statusCode] ?? "HttpException";
  return {
    status: statusCode,
    json: { name, statusCode, message, code: 10_000 + statusCode, debugInfo: { name, message, stack: null } },
    [ERROR]: true,
  } as FakeResponse;
}

type Json = Record<string, unknown>;

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeDrata(options: FakeDrataOptions = {}): Promise<FakeDrata> {
  const apiKey = options.apiKey ?? `drata_${randomBytes(20).toString("hex")}`;
  const workspaceId = options.workspaceId ?? 1;
  const controls = new Set(options.controlIds ?? Array.from({ length: 100 }, (_, i) => i + 1));
  const maxFileBytes = options.maxFileBytes ?? 25 * 1024 * 1024;
  const files = new Map<string, { originalFilename: string; mimeType: string; fileSize: number }>();
  const evidence: FakeEvidence[] = [];
  let nextId = 1;
  let drop = 0;

  const present = (item: FakeEvidence, withArtifacts: boolean) => ({
    id: item.id,
    name: item.name,
    description: item.description,
    renewalScheduleType: item.renewalScheduleType,
    renewalDate: item.renewalDate,
    controls: item.controlIds.map((controlId) => ({ id: controlId })),
    linkedWorkspaces: [{ id: workspaceId }],
    ...(withArtifacts
      ? {
          artifacts: item.artifacts.map((artifact) => {
            const current = artifact.versions.at(-1);
            return {
              id: artifact.id,
              type: artifact.type,
              artifactName: artifact.artifactName,
              version: current?.version,
              filedAt: current?.filedAt,
              fileName: current?.originalFilename,
            };
          }),
        }
      : {}),
  });

  /** Validates artifact inputs; returns an error response or the versions to store. */
  function checkArtifacts(
    list: unknown,
    field: string,
    replacing: boolean,
    item?: FakeEvidence,
  ): FakeResponse | Array<{ input: Json; existing?: FakeArtifact }> {
    if (!Array.isArray(list)) return error(400, `${field} must be an array`);
    const out: Array<{ input: Json; existing?: FakeArtifact }> = [];
    for (const [i, raw] of list.entries()) {
      const input = raw as Json;
      if (!input || typeof input !== "object") return error(400, `${field}.${i} must be an object`);
      if (typeof input.type !== "string" || !ARTIFACT_TYPES.has(input.type))
        return error(400, `${field}.${i}.type must be one of S3_FILE, URL, TICKET_PROVIDER`);
      if (typeof input.filedAt !== "string" || Number.isNaN(Date.parse(input.filedAt)))
        return error(400, `${field}.${i}.filedAt must be a date`);
      if (input.type === "S3_FILE" && (typeof input.fileKey !== "string" || !files.has(input.fileKey)))
        return error(400, `${field}.${i}.fileKey does not name an uploaded file`);
      if (input.artifactName !== undefined && typeof input.artifactName !== "string")
        return error(400, `${field}.${i}.artifactName must be a string`);
      let existing: FakeArtifact | undefined;
      if (replacing) {
        existing = item?.artifacts.find((artifact) => artifact.id === input.existingArtifactId);
        if (!existing)
          return error(
            404,
            `${field}.${i}.existingArtifactId ${String(input.existingArtifactId)} is not an artifact of this evidence`,
          );
      }
      out.push({ input, ...(existing ? { existing } : {}) });
    }
    return out;
  }

  function checkControls(value: unknown): FakeResponse | number[] {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => !Number.isInteger(v)))
      return error(400, "controlIds must be an array of integers");
    const missing = value.find((v) => !controls.has(v as number));
    if (missing !== undefined) return error(404, `Control ${missing} not found`);
    return value as number[];
  }

  /** Stores artifacts, dropping the last `drop` of them as Drata does when an artifact upload fails. */
  function store(
    item: FakeEvidence,
    pending: Array<{ input: Json; existing?: FakeArtifact }>,
  ): { requested: number; created: number } {
    const keep = Math.max(0, pending.length - drop);
    drop = 0;
    for (const { input, existing } of pending.slice(0, keep)) {
      const fileKey = typeof input.fileKey === "string" ? input.fileKey : null;
      const version = {
        fileKey,
        filedAt: String(input.filedAt),
        originalFilename: fileKey ? (files.get(fileKey)?.originalFilename ?? null) : null,
      };
      if (fileKey) files.delete(fileKey);
      if (existing) existing.versions.push({ version: existing.versions.length + 1, ...version });
      else
        item.artifacts.push({
          id: nextId++,
          type: String(input.type),
          artifactName: String(input.artifactName ?? version.originalFilename ?? "artifact"),
          versions: [{ version: 1, ...version }],
        });
    }
    return { requested: pending.length, created: keep };
  }

  function jsonBody(request: FakeRequest): Json | FakeResponse {
    if (!/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
      return error(415, "Content-Type must be application/json");
    try {
      const body = JSON.parse(request.body.toString("utf8"));
      return body && typeof body === "object" && !Array.isArray(body)
        ? body
        : error(400, "body must be an object");
    } catch {
      return error(400, "malformed JSON body");
    }
  }
  const isResponse = (value: unknown): value is FakeResponse =>
    typeof value === "object" && value !== null && ERROR in value;

  async function handle(request: FakeRequest): Promise<FakeResponse> {
    const { method, url } = request;
    if (request.headers.authorization !== `Bearer ${apiKey}`) return error(401, "Invalid API key");
    const match = /^\/public\/v2\/workspaces\/([^/]+)\/(evidence-files|evidence)(?:\/([^/]+))?$/.exec(
      url.pathname,
    );
    if (!match) return error(404, `Cannot ${method} ${url.pathname}`);
    if (Number(match[1]) !== workspaceId) return error(404, `Workspace ${match[1]} not found`);
    const [, , collection, evidenceId] = match;

    if (collection === "evidence-files") {
      if (method !== "POST" || evidenceId) return error(405, "method not allowed");
      if (!/^multipart\/form-data\b/i.test(request.headers["content-type"] ?? ""))
        return error(400, "Expected multipart/form-data");
      let form: FormData;
      try {
        form = await readFormData(request);
      } catch {
        return error(400, "malformed multipart body");
      }
      const file = form.get("file");
      const base64File = form.get("base64File");
      if ((file === null) === (base64File === null))
        return error(400, "Send exactly one of file or base64File");
      if (!(file instanceof File)) return error(400, "file must be a binary part");
      if (!ALLOWED_EXTENSIONS.test(file.name)) return error(400, `File type of ${file.name} is not allowed`);
      if (file.size > maxFileBytes) return error(413, "The file was too large to upload");
      const fileKey = `evidence-files/${randomBytes(12).toString("hex")}/${file.name}`;
      files.set(fileKey, { originalFilename: file.name, mimeType: file.type, fileSize: file.size });
      return {
        status: 201,
        json: { fileKey, originalFilename: file.name, mimeType: file.type, fileSize: file.size },
      };
    }

    if (!evidenceId && method === "GET") {
      const size = Number(url.searchParams.get("size") ?? "50");
      if (!Number.isInteger(size) || size < 1 || size > 500)
        return error(400, "size must be between 1 and 500");
      const prefix = url.searchParams.get("name") ?? "";
      const start = Number(url.searchParams.get("cursor") ?? "0");
      const matching = evidence.filter((item) => item.name.startsWith(prefix));
      const withArtifacts = url.searchParams.getAll("expand[]").includes("artifacts");
      const next = start + size < matching.length ? String(start + size) : null;
      return {
        status: 200,
        json: {
          data: matching.slice(start, start + size).map((item) => present(item, withArtifacts)),
          pagination: { cursor: next },
        },
      };
    }

    if (!evidenceId && method === "POST") {
      const body = jsonBody(request);
      if (isResponse(body)) return body;
      if (typeof body.name !== "string" || body.name.length === 0 || body.name.length > 191)
        return error(400, "name is required (at most 191 characters)");
      if (
        body.description !== undefined &&
        (typeof body.description !== "string" || body.description.length > 30_000)
      )
        return error(400, "description must be a string of at most 30000 characters");
      if (body.renewalScheduleType !== undefined && !SCHEDULES.has(String(body.renewalScheduleType)))
        return error(400, "renewalScheduleType is invalid");
      if (body.renewalDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.renewalDate)))
        return error(400, "renewalDate must be YYYY-MM-DD");
      if (!Array.isArray(body.artifacts) || body.artifacts.length === 0)
        return error(400, "artifacts is required");
      const pending = checkArtifacts(body.artifacts, "artifacts", false);
      if (isResponse(pending)) return pending;
      const controlIds = checkControls(body.controlIds);
      if (isResponse(controlIds)) return controlIds;
      const item: FakeEvidence = {
        id: nextId++,
        name: body.name,
        description: typeof body.description === "string" ? body.description : null,
        renewalScheduleType: typeof body.renewalScheduleType === "string" ? body.renewalScheduleType : null,
        renewalDate: typeof body.renewalDate === "string" ? body.renewalDate : null,
        controlIds,
        artifacts: [],
      };
      evidence.push(item);
      const { requested, created } = store(item, pending);
      return {
        status: 201,
        json: { ...present(item, true), artifactsRequested: requested, artifactsCreated: created },
      };
    }

    const item = evidence.find((candidate) => String(candidate.id) === evidenceId);
    if (!item) return error(404, `Evidence ${evidenceId} not found`);
    if (method === "GET") return { status: 200, json: present(item, true) };
    if (method !== "PUT") return error(405, "method not allowed");
    const body = jsonBody(request);
    if (isResponse(body)) return body;
    const replaced =
      body.replaceArtifacts === undefined
        ? []
        : checkArtifacts(body.replaceArtifacts, "replaceArtifacts", true, item);
    if (isResponse(replaced)) return replaced;
    const added =
      body.newArtifacts === undefined ? [] : checkArtifacts(body.newArtifacts, "newArtifacts", false);
    if (isResponse(added)) return added;
    const controlIds = checkControls(body.controlIds);
    if (isResponse(controlIds)) return controlIds;
    if (typeof body.description === "string") item.description = body.description;
    if (typeof body.name === "string") item.name = body.name;
    // controlIds only ever add links.
    item.controlIds = [...new Set([...item.controlIds, ...controlIds])];
    const { requested, created } = store(item, [...replaced, ...added]);
    return {
      status: 200,
      json: { ...present(item, true), artifactsRequested: requested, artifactsCreated: created },
    };
  }

  const server = await createFakeServer({
    handle,
    storedFiles: () => evidence.flatMap((item) => item.artifacts.map((artifact) => artifact.artifactName)),
  });
  return Object.assign(server, {
    apiKey,
    workspaceId,
    evidence: () => evidence,
    dropArtifacts: (count: number) => {
      drop = count;
    },
  });
}
