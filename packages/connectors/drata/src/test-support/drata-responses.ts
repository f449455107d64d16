/**
 * What the Drata test server stores and how it answers: the response DTOs of Drata's public API v2
 * (Evidence tag) — `EvidenceResponsePublicV2Dto`, `EvidenceArtifactResponsePublicV2Dto`,
 * `EvidenceMutationResponsePublicV2Dto`, the `{data, totalCount}` subcollections, the `{data, pagination}`
 * lists and the exception bodies — as `fake-drata-server.ts` names its sources.
 */
import type { FakeResponse } from "@iddio-compliance/connector-sdk/testing";

/** One version of an artifact. */
export interface FakeArtifactVersion {
  version: number;
  fileKey: string | null;
  url: string | null;
  filedAt: string;
  originalFilename: string | null;
  mimeType: string | null;
  createdAt: string;
}

/** An artifact of an evidence item; `replaceArtifacts` adds versions and keeps its id. */
export interface FakeArtifact {
  id: number;
  type: string;
  artifactName: string;
  archivedAt: string | null;
  createdAt: string;
  versions: FakeArtifactVersion[];
}

/** An evidence item of the fake's evidence library. */
export interface FakeEvidence {
  id: number;
  name: string;
  description: string | null;
  implementationGuidance: string | null;
  renewalScheduleType: string;
  renewalDate: string | null;
  controlIds: number[];
  createdAt: string;
  updatedAt: string;
  artifacts: FakeArtifact[];
}

const SUBCOLLECTION_LIMIT = 10;

const EXCEPTIONS: Record<number, string> = {
  400: "BadRequestException",
  404: "NotFoundException",
  413: "PayloadTooLargeException",
};

/** `ExceptionResponsePublicV2Dto` for 400/404/413; `ExceptionResponseDto` (no `name`) otherwise. */
export function error(statusCode: number, message: string): FakeResponse {
  const name = EXCEPTIONS[statusCode];
  return {
    status: statusCode,
    json: { ...(name ? { name } : {}), statusCode, message, code: 10_000 + statusCode },
  };
}

const encodeCursor = (offset: number) => Buffer.from(`offset:${offset}`).toString("base64url");
function decodeCursor(cursor: string | null): number | undefined {
  if (cursor === null) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

/** One page of `items` and the `pagination` object that leads to the next (`PaginationResponsePublicV2Dto`). */
export function page<T>(
  items: T[],
  query: URLSearchParams,
): { data: T[]; pagination: { cursor: string | null } } | FakeResponse {
  const start = decodeCursor(query.get("cursor"));
  if (start === undefined) return error(400, "cursor is invalid");
  const size = Number(query.get("size") ?? "50");
  const next = start + size < items.length ? encodeCursor(start + size) : null;
  return { data: items.slice(start, start + size), pagination: { cursor: next } };
}

const control = (id: number) => ({
  id,
  code: `DCF-${id}`,
  name: `Control ${id}`,
  description: null,
  isReady: false,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
});
const extension = (name: string | null) => (name && /\.([^.]+)$/.exec(name)?.[1]) || null;
const source = (version: FakeArtifactVersion | undefined) =>
  version?.url ?? `https://drata-evidence.example/${version?.fileKey ?? ""}?signature=fake`;

/** `EvidenceArtifactResponsePublicV2Dto`: the artifact at its current version. */
export const artifactResponse = (artifact: FakeArtifact) => {
  const current = artifact.versions.at(-1);
  return {
    id: artifact.id,
    artifactName: artifact.artifactName,
    extension: extension(current?.originalFilename ?? null),
    artifactVersion: current?.version ?? 1,
    source: source(current),
    artifactSafeBasesyncStatus: null,
    artifactType: artifact.type,
    filedAt: current?.filedAt ?? null,
    archivedAt: artifact.archivedAt,
    createdAt: artifact.createdAt,
  };
};

/** `EvidenceMutationArtifactResponsePublicV2Dto`: the mutation answer names the kind `type`. */
const mutationArtifact = (artifact: FakeArtifact) => {
  const current = artifact.versions.at(-1);
  return {
    id: artifact.id,
    source: source(current),
    artifactName: artifact.artifactName,
    type: artifact.type,
    artifactVersion: current?.version ?? 1,
    filedAt: current?.filedAt ?? null,
    createdAt: artifact.createdAt,
    updatedAt: current?.createdAt ?? artifact.createdAt,
    metadata: {
      originalFileName: current?.originalFilename ?? undefined,
      mimeType: current?.mimeType ?? undefined,
      extension: extension(current?.originalFilename ?? null) ?? undefined,
    },
    ticketUrl: null,
  };
};

/** The artifacts not archived (moved to past artifacts). */
const active = (item: FakeEvidence) => item.artifacts.filter((artifact) => artifact.archivedAt === null);

/** `EvidenceResponsePublicV2Dto` with the requested subcollections as `{data: [≤10], totalCount}`. */
export const evidenceResponse = (item: FakeEvidence, expand: string[]) => ({
  id: item.id,
  name: item.name,
  description: item.description,
  implementationGuidance: item.implementationGuidance,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
  renewalDate: item.renewalDate,
  renewalScheduleType: item.renewalScheduleType,
  status: active(item).length ? "READY" : "NEEDS_ARTIFACT",
  safeBaseSyncStatus: null,
  ...(expand.includes("owners") ? { owners: { data: [], totalCount: 0 } } : {}),
  ...(expand.includes("artifacts")
    ? {
        artifacts: {
          data: item.artifacts.slice(0, SUBCOLLECTION_LIMIT).map(artifactResponse),
          totalCount: item.artifacts.length,
        },
      }
    : {}),
  ...(expand.includes("controls")
    ? {
        controls: {
          data: item.controlIds.slice(0, SUBCOLLECTION_LIMIT).map(control),
          totalCount: item.controlIds.length,
        },
      }
    : {}),
});

/** `EvidenceMutationResponsePublicV2Dto`. */
export const mutationResponse = (
  item: FakeEvidence,
  workspaceId: number,
  requested: number,
  created: number,
) => ({
  id: item.id,
  name: item.name,
  description: item.description,
  implementationGuidance: item.implementationGuidance,
  evidenceTemplateCode: null,
  renewalDate: item.renewalDate,
  renewalScheduleType: item.renewalScheduleType,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
  artifactsRequested: requested,
  artifactsCreated: created,
  controls: item.controlIds.map(control),
  linkedWorkspaces: [{ id: workspaceId, name: `Workspace ${workspaceId}` }],
  artifacts: active(item).map(mutationArtifact),
});
