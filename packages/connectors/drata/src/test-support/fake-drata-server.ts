/**
 * A local Drata public API v2, Evidence tag, built from the published v2 OpenAPI
 * (`drata-api-v2-openapi.json`; per tag in api-evangelist/drata `openapi/drata-evidence-api-openapi.yml`,
 * operations `EvidencePublicV2Controller_*`) and https://developers.drata.com/openapi/reference/v2 ,
 * as summarised in /work/shared/reference/grc-apis.md §2.1–2.3 and §2.6:
 *
 * - server `…/public/v2`; bearer API key (401 `ExceptionResponseDto` otherwise);
 * - `POST /workspaces/{workspaceId}/evidence-files` (multipart, exactly one of `file`/`base64File`,
 *   the documented extensions, 413 above the size limit) → 201 `{fileKey, originalFilename, mimeType, fileSize}`;
 * - `GET|POST /workspaces/{workspaceId}/evidence`, `GET|PUT|DELETE …/evidence/{evidenceId}`,
 *   `GET …/evidence/{evidenceId}/artifacts`; request bodies and query strings are validated against the
 *   DTOs in `drata-request-schemas.ts` (unknown and missing properties are 400s);
 * - lists page with `cursor`/`size` and answer `{data, pagination: {cursor}}`; an expanded
 *   subcollection (`expand[]=artifacts|controls|owners`) is `{data: [≤10], totalCount}`, so evidence
 *   with more than 10 artifacts is only fully visible through the artifacts endpoint;
 * - create and update answer `EvidenceMutationResponsePublicV2Dto` (artifacts as an array, each with
 *   `type`, plus `artifactsRequested`/`artifactsCreated`); `replaceArtifacts` adds a version and
 *   keeps the artifact id;
 * - errors are `ExceptionResponsePublicV2Dto` `{name, statusCode, message, code}` (400, 404) or
 *   `ExceptionResponseDto` `{statusCode, message, code}` (401). The numeric `code` values are not
 *   published; the fake uses 10000 + status.
 */
import { randomBytes } from "node:crypto";
import {
  createFakeServer,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  readFormData,
} from "@iddio-compliance/connector-sdk/testing";
import type { z } from "zod";
import { type LosesAnswers, losingAnswers } from "../../../test-support/lost-answers.ts";
import {
  checkQuery,
  createEvidenceSchema,
  GET_EVIDENCE_QUERY,
  LIST_ARTIFACTS_QUERY,
  LIST_EVIDENCE_QUERY,
  updateEvidenceSchema,
  validationMessages,
} from "./drata-request-schemas.ts";
import {
  artifactResponse,
  error,
  evidenceResponse,
  type FakeArtifact,
  type FakeEvidence,
  mutationResponse,
  page,
} from "./drata-responses.ts";

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
  /** The fake's clock, for `createdAt`/`updatedAt`. @default Date.now */
  now?: () => number;
}

/** A local Drata public API v2 (evidence library). */
export interface FakeDrata extends FakeServer, LosesAnswers {
  apiKey: string;
  workspaceId: number;
  evidence(): FakeEvidence[];
  /** Pre-uploaded files (`evidence-files`) that no artifact uses (yet). */
  unusedFileKeys(): string[];
  /** The next create or update stores `count` fewer artifacts than requested (Drata's partial failure). */
  dropArtifacts(count: number): void;
  /** Adds evidence as a Drata user would, with URL artifacts named `artifactNames`. */
  seed(name: string, artifactNames: string[]): FakeEvidence;
}

const ALLOWED_EXTENSIONS =
  /\.(pdf|docx|odt|doc|xlsx|ods|pptx|odp|gif|jpe?g|png|json|csv|md|markdown|txt|html|log|zip|msg|mp4)$/i;
/** The artifact kinds the fake stores; the others need third-party storage it does not model. */
const MODELLED_TYPES = new Set(["S3_FILE", "URL"]);

const isResponse = (value: unknown): value is FakeResponse =>
  typeof value === "object" && value !== null && "status" in value && typeof value.status === "number";

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeDrata(options: FakeDrataOptions = {}): Promise<FakeDrata> {
  const apiKey = options.apiKey ?? `drata_${randomBytes(20).toString("hex")}`;
  const workspaceId = options.workspaceId ?? 1;
  const controls = new Set(options.controlIds ?? Array.from({ length: 100 }, (_, i) => i + 1));
  const maxFileBytes = options.maxFileBytes ?? 25 * 1024 * 1024;
  const now = () => new Date((options.now ?? Date.now)()).toISOString();
  const files = new Map<string, { originalFilename: string; mimeType: string; fileSize: number }>();
  const evidence: FakeEvidence[] = [];
  let nextId = 1;
  let drop = 0;

  function checkControls(value: number[] | null | undefined): FakeResponse | number[] {
    const missing = (value ?? []).find((id) => !controls.has(id));
    return missing === undefined ? (value ?? []) : error(404, `Control ${missing} not found`);
  }

  interface PendingArtifact {
    kind: string;
    artifactName: string | null | undefined;
    fileKey: string | null | undefined;
    url: string | null | undefined;
    filedAt: string | null;
    existing?: FakeArtifact;
  }

  /** Checks what the DTOs cannot: the source each kind needs, and that a file key was pre-uploaded. */
  function checkSources(list: PendingArtifact[], field: string): FakeResponse | undefined {
    for (const [i, artifact] of list.entries()) {
      if (!MODELLED_TYPES.has(artifact.kind))
        return error(
          400,
          `${field}.${i}: artifact type ${artifact.kind} is not modelled by this test server`,
        );
      if (artifact.kind === "URL" && !artifact.url)
        return error(400, `${field}.${i}.url is required when the artifact type is URL`);
      if (artifact.kind === "S3_FILE" && (!artifact.fileKey || !files.has(artifact.fileKey)))
        return error(
          400,
          `${field}.${i}.fileKey must name a file uploaded to evidence-files by this account`,
        );
    }
    return undefined;
  }

  /** Stores artifacts, dropping the last `drop` of them as Drata does when an artifact upload fails. */
  function store(item: FakeEvidence, pending: PendingArtifact[]): { requested: number; created: number } {
    const keep = Math.max(0, pending.length - drop);
    drop = 0;
    const at = now();
    for (const artifact of pending.slice(0, keep)) {
      // Drata does not document a file key as single-use: a key sent twice makes two artifacts.
      const file = artifact.fileKey ? files.get(artifact.fileKey) : undefined;
      const version = {
        fileKey: artifact.fileKey ?? null,
        url: artifact.url ?? null,
        filedAt: new Date(artifact.filedAt ?? at).toISOString(),
        originalFilename: file?.originalFilename ?? null,
        mimeType: file?.mimeType ?? null,
        createdAt: at,
      };
      if (artifact.existing) {
        artifact.existing.versions.push({ version: artifact.existing.versions.length + 1, ...version });
        if (artifact.artifactName) artifact.existing.artifactName = artifact.artifactName;
      } else {
        item.artifacts.push({
          id: nextId++,
          type: artifact.kind,
          artifactName: artifact.artifactName ?? version.originalFilename ?? artifact.url ?? "artifact",
          archivedAt: null,
          createdAt: at,
          versions: [{ version: 1, ...version }],
        });
      }
    }
    item.updatedAt = at;
    return { requested: pending.length, created: keep };
  }

  function jsonBody<T>(request: FakeRequest, schema: z.ZodType<T>): T | FakeResponse {
    if (!/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
      return error(400, "Content-Type must be application/json");
    let raw: unknown;
    try {
      raw = JSON.parse(request.body.toString("utf8"));
    } catch {
      return error(400, "Unexpected token in JSON body");
    }
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : error(400, validationMessages(parsed.error).join("; "));
  }

  async function uploadFile(request: FakeRequest): Promise<FakeResponse> {
    let form: FormData;
    try {
      form = await readFormData(request);
    } catch {
      return error(400, "Expected a multipart/form-data body");
    }
    const unknown = [...new Set(form.keys())].filter((key) => key !== "file" && key !== "base64File");
    if (unknown.length)
      return error(400, unknown.map((key) => `property ${key} should not exist`).join("; "));
    const part = form.get("file");
    const base64 = form.get("base64File");
    if ((part === null) === (base64 === null)) return error(400, "Provide exactly one of file or base64File");
    let file: { name: string; type: string; size: number };
    if (part !== null) {
      if (!(part instanceof File)) return error(400, "file must be a binary part");
      file = part;
    } else {
      let decoded: { base64String?: unknown; filename?: unknown };
      try {
        decoded = JSON.parse(String(base64));
      } catch {
        return error(400, "base64File must be {base64String, filename}");
      }
      const match = /^data:([^;,]+);base64,(.*)$/s.exec(String(decoded.base64String ?? ""));
      if (!match || typeof decoded.filename !== "string")
        return error(400, "base64File must be {base64String: a base64 data URL, filename}");
      file = {
        name: decoded.filename,
        type: match[1] ?? "",
        size: Buffer.from(match[2] ?? "", "base64").length,
      };
    }
    if (!ALLOWED_EXTENSIONS.test(file.name)) return error(400, `File type of ${file.name} is not allowed`);
    if (file.size > maxFileBytes) return error(413, "The file was too large to upload");
    const fileKey = `${workspaceId}/evidence-library/${randomBytes(16).toString("hex")}/${file.name}`;
    files.set(fileKey, { originalFilename: file.name, mimeType: file.type, fileSize: file.size });
    return {
      status: 201,
      json: { fileKey, originalFilename: file.name, mimeType: file.type, fileSize: file.size },
    };
  }

  function listEvidence(url: URL): FakeResponse {
    const prefix = url.searchParams.get("name") ?? "";
    const listed = page(
      evidence.filter((item) => item.name.startsWith(prefix)),
      url.searchParams,
    );
    if (isResponse(listed)) return listed;
    const expand = url.searchParams.getAll("expand[]");
    return {
      status: 200,
      json: { ...listed, data: listed.data.map((item) => evidenceResponse(item, expand)) },
    };
  }

  function createEvidence(request: FakeRequest): FakeResponse {
    const body = jsonBody(request, createEvidenceSchema);
    if (isResponse(body)) return body;
    const pending: PendingArtifact[] = body.artifacts.map((artifact) => ({
      kind: artifact.type,
      ...artifact,
    }));
    const invalid = checkSources(pending, "artifacts");
    if (invalid) return invalid;
    const controlIds = checkControls(body.controlIds);
    if (isResponse(controlIds)) return controlIds;
    const at = now();
    const item: FakeEvidence = {
      id: nextId++,
      name: body.name,
      description: body.description ?? null,
      implementationGuidance: body.implementationGuidance ?? null,
      renewalScheduleType: body.renewalScheduleType ?? "NONE",
      renewalDate: body.renewalDate ?? null,
      controlIds,
      createdAt: at,
      updatedAt: at,
      artifacts: [],
    };
    evidence.push(item);
    const { requested, created } = store(item, pending);
    return { status: 201, json: mutationResponse(item, workspaceId, requested, created) };
  }

  function updateEvidence(request: FakeRequest, item: FakeEvidence): FakeResponse {
    const body = jsonBody(request, updateEvidenceSchema);
    if (isResponse(body)) return body;
    const replaced: PendingArtifact[] = [];
    for (const [i, artifact] of (body.replaceArtifacts ?? []).entries()) {
      const existing = item.artifacts.find((candidate) => candidate.id === artifact.existingArtifactId);
      if (!existing)
        return error(
          404,
          `replaceArtifacts.${i}.existingArtifactId ${artifact.existingArtifactId} is not an artifact of evidence ${item.id}`,
        );
      replaced.push({ kind: artifact.artifactType, ...artifact, existing });
    }
    const added: PendingArtifact[] = (body.newArtifacts ?? []).map((artifact) => ({
      kind: artifact.artifactType,
      ...artifact,
    }));
    const invalid = checkSources(replaced, "replaceArtifacts") ?? checkSources(added, "newArtifacts");
    if (invalid) return invalid;
    const controlIds = checkControls(body.controlIds);
    if (isResponse(controlIds)) return controlIds;
    for (const id of [...(body.pastArtifacts ?? []), ...(body.currentArtifacts ?? [])])
      if (!item.artifacts.some((artifact) => artifact.id === id))
        return error(404, `Artifact ${id} is not an artifact of evidence ${item.id}`);
    if (body.name !== undefined) item.name = body.name;
    if (body.description !== undefined) item.description = body.description;
    if (body.implementationGuidance !== undefined) item.implementationGuidance = body.implementationGuidance;
    if (body.renewalScheduleType !== undefined) item.renewalScheduleType = body.renewalScheduleType;
    if (body.renewalDate !== undefined) item.renewalDate = body.renewalDate;
    item.controlIds = [...new Set([...item.controlIds, ...controlIds])];
    for (const artifact of item.artifacts) {
      if (body.pastArtifacts?.includes(artifact.id)) artifact.archivedAt = now();
      if (body.currentArtifacts?.includes(artifact.id)) artifact.archivedAt = null;
    }
    const { requested, created } = store(item, [...replaced, ...added]);
    return { status: 200, json: mutationResponse(item, workspaceId, requested, created) };
  }

  function listArtifacts(url: URL, item: FakeEvidence): FakeResponse {
    const prefix = url.searchParams.get("name") ?? "";
    const archived = url.searchParams.get("isArchived");
    const types = url.searchParams.getAll("artifactTypes[]");
    const listed = page(
      item.artifacts.filter(
        (artifact) =>
          (artifact.artifactName ?? "").startsWith(prefix) &&
          (archived === null || (artifact.archivedAt !== null) === (archived === "true")) &&
          (types.length === 0 || types.includes(artifact.type)),
      ),
      url.searchParams,
    );
    if (isResponse(listed)) return listed;
    return { status: 200, json: { ...listed, data: listed.data.map(artifactResponse) } };
  }

  async function route(request: FakeRequest): Promise<FakeResponse> {
    const { method, url } = request;
    const match =
      /^\/public\/v2\/workspaces\/([^/]+)\/(evidence-files|evidence)(?:\/([^/]+)(?:\/(artifacts))?)?$/.exec(
        url.pathname,
      );
    if (!match) return error(404, `Cannot ${method} ${url.pathname}`);
    const [, workspace, collection, evidenceId, sub] = match;
    // NestJS order: the route, then the auth guard, then the path parameter pipes.
    if (request.headers.authorization !== `Bearer ${apiKey}`)
      return { status: 401, json: { statusCode: 401, message: "Invalid Authorization", code: 10_401 } };
    if (!/^\d+$/.test(workspace ?? "") || (evidenceId !== undefined && !/^\d+$/.test(evidenceId)))
      return error(400, "Validation failed (numeric string is expected)");
    if (Number(workspace) !== workspaceId) return error(404, `Workspace ${workspace} not found`);
    const endpoint = `${method} ${collection}${evidenceId ? "/{id}" : ""}${sub ? `/${sub}` : ""}`;
    const query = (spec: Parameters<typeof checkQuery>[1]) => {
      const problems = checkQuery(url.searchParams, spec);
      return problems.length ? error(400, problems.join("; ")) : undefined;
    };
    const noQuery = () => (url.search ? error(400, "this endpoint takes no query parameters") : undefined);

    if (endpoint === "POST evidence-files") return noQuery() ?? uploadFile(request);
    if (endpoint === "GET evidence") return query(LIST_EVIDENCE_QUERY) ?? listEvidence(url);
    if (endpoint === "POST evidence") return noQuery() ?? createEvidence(request);
    const item = evidence.find((candidate) => String(candidate.id) === evidenceId);
    if (evidenceId !== undefined && !item) return error(404, `Evidence ${evidenceId} not found`);
    if (!item) return error(404, `Cannot ${method} ${url.pathname}`);
    if (endpoint === "GET evidence/{id}")
      return (
        query(GET_EVIDENCE_QUERY) ?? {
          status: 200,
          json: evidenceResponse(item, url.searchParams.getAll("expand[]")),
        }
      );
    if (endpoint === "PUT evidence/{id}") return noQuery() ?? updateEvidence(request, item);
    if (endpoint === "DELETE evidence/{id}") {
      evidence.splice(evidence.indexOf(item), 1);
      return { status: 204 };
    }
    if (endpoint === "GET evidence/{id}/artifacts")
      return query(LIST_ARTIFACTS_QUERY) ?? listArtifacts(url, item);
    return error(404, `Cannot ${method} ${url.pathname}`);
  }

  const { handle, ...losing } = losingAnswers(route, error);

  const server = await createFakeServer({
    handle,
    // One entry per stored artifact version: a duplicate upload or a duplicate version shows twice.
    storedFiles: () =>
      evidence.flatMap((item) =>
        item.artifacts.flatMap((artifact) => artifact.versions.map(() => artifact.artifactName)),
      ),
  });
  return Object.assign(server, {
    apiKey,
    workspaceId,
    evidence: () => evidence,
    unusedFileKeys: () => {
      const used = new Set(
        evidence.flatMap((item) =>
          item.artifacts.flatMap((artifact) => artifact.versions.map((v) => v.fileKey)),
        ),
      );
      return [...files.keys()].filter((key) => !used.has(key));
    },
    dropArtifacts: (count: number) => {
      drop = count;
    },
    ...losing,
    seed: (name: string, artifactNames: string[]) => {
      const at = now();
      const item: FakeEvidence = {
        id: nextId++,
        name,
        description: null,
        implementationGuidance: null,
        renewalScheduleType: "NONE",
        renewalDate: null,
        controlIds: [],
        createdAt: at,
        updatedAt: at,
        artifacts: [],
      };
      evidence.push(item);
      store(
        item,
        artifactNames.map((artifactName) => ({
          kind: "URL",
          artifactName,
          fileKey: null,
          url: `https://wiki.example/${encodeURIComponent(artifactName)}`,
          filedAt: at,
        })),
      );
      return item;
    },
  });
}
