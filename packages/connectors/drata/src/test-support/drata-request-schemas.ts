/**
 * The request side of Drata's public API v2 (Evidence tag), transcribed from the published v2 OpenAPI
 * (`drata-api-v2-openapi.json`, split per tag as `openapi/drata-evidence-api-openapi.yml` in
 * api-evangelist/drata) and developers.drata.com/openapi/reference/v2; summarised in
 * /work/shared/reference/grc-apis.md §2.3 and §2.6. Drata's controllers are NestJS with a whitelisting
 * validation pipe, so a property the DTO does not declare is a 400 ("property X should not exist"),
 * like a missing or mistyped required one.
 */
import { z } from "zod";

/** `LibraryDocumentVersionTypeEnum` / `ArtifactTypeEnum`. */
const ARTIFACT_TYPES = [
  "URL",
  "S3_FILE",
  "TICKET_PROVIDER",
  "NONE",
  "GOOGLE_DRIVE",
  "ONE_DRIVE",
  "BOX",
  "DROPBOX",
  "SHARE_POINT",
  "TEST_RESULT",
] as const;

/** `RenewalScheduleTypeEnum`. */
const RENEWAL_SCHEDULE_TYPES = [
  "ONE_MONTH",
  "TWO_MONTHS",
  "THREE_MONTHS",
  "SIX_MONTHS",
  "ONE_YEAR",
  "CUSTOM",
  "NONE",
] as const;

const isoDate = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be a valid ISO 8601 date string");
const text = (max: number) => z.string().max(max).nullable().optional();
const uri = z.url().max(768).nullable().optional();
const ids = z.array(z.number()).nullable().optional();

/** `EvidenceArtifactRequestPublicV2Dto`: an artifact of a create request names its kind `type`. */
const createArtifactSchema = z.strictObject({
  type: z.enum(ARTIFACT_TYPES),
  artifactName: text(191),
  url: uri,
  fileKey: text(191),
  ticketUrl: uri,
  filedAt: isoDate,
});

/** `EvidenceArtifactAddRequestPublicV2Dto`: an artifact of an update names its kind `artifactType`. */
const addArtifactSchema = z.strictObject({
  artifactName: text(191),
  artifactType: z.enum(ARTIFACT_TYPES),
  fileKey: text(191),
  url: uri,
  ticketUrl: uri,
  filedAt: isoDate.nullable(),
});

/** `EvidenceArtifactReplaceRequestPublicV2Dto`: a new version of an existing artifact chain. */
const replaceArtifactSchema = addArtifactSchema.extend({ existingArtifactId: z.number() });

/** `EvidenceCreateRequestPublicV2Dto`. */
export const createEvidenceSchema = z.strictObject({
  name: z.string().min(1).max(191),
  description: text(30_000),
  implementationGuidance: text(30_000),
  stepsToReproduce: text(30_000),
  artifacts: z.array(createArtifactSchema).min(1),
  ownerId: z.number().optional(),
  controlIds: ids,
  renewalDate: isoDate.nullable().optional(),
  renewalScheduleType: z.enum(RENEWAL_SCHEDULE_TYPES).optional(),
});

/** `EvidenceUpdateRequestPublicV2Dto`: every field optional; `controlIds` only ever adds links. */
export const updateEvidenceSchema = z
  .strictObject({
    name: z.string().min(1).max(191).optional(),
    description: text(30_000),
    implementationGuidance: text(30_000),
    stepsToReproduce: text(30_000),
    renewalDate: isoDate.nullable().optional(),
    renewalScheduleType: z.enum(RENEWAL_SCHEDULE_TYPES).optional(),
    ownerId: z.number().optional(),
    controlIds: ids,
    newArtifacts: z.array(addArtifactSchema).optional(),
    pastArtifacts: ids,
    currentArtifacts: ids,
    replaceArtifacts: z.array(replaceArtifactSchema).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.renewalScheduleType && body.renewalScheduleType !== "NONE" && !body.renewalDate)
      ctx.addIssue({
        code: "custom",
        path: ["renewalDate"],
        message: "is required when renewalScheduleType is not NONE",
      });
  });

/** A query parameter of a list endpoint: one value, or repeated (`expand[]=a&expand[]=b`). */
type QueryParam =
  | { kind: "string"; max?: number }
  | { kind: "number"; min: number; max: number }
  | { kind: "boolean" }
  | { kind: "enum" | "enum[]"; values: readonly string[] }
  | { kind: "number[]" };

const SORT = { kind: "enum", values: ["createdAt", "updatedAt"] } as const;
const SORT_DIR = { kind: "enum", values: ["ASC", "DESC"] } as const;
const CURSOR = { kind: "string" } as const;
const SIZE = { kind: "number", min: 1, max: 500 } as const;
const EXPAND = { kind: "enum[]", values: ["owners", "artifacts", "controls"] } as const;

/** Query parameters of `GET /workspaces/{workspaceId}/evidence` (`EvidencePublicV2Controller_listEvidence`). */
export const LIST_EVIDENCE_QUERY: Record<string, QueryParam> = {
  cursor: CURSOR,
  size: SIZE,
  sort: SORT,
  sortDir: SORT_DIR,
  "expand[]": EXPAND,
  name: { kind: "string", max: 191 },
  "ownerIds[]": { kind: "number[]" },
  "frameworkIds[]": { kind: "number[]" },
  "evidenceStatuses[]": {
    kind: "enum[]",
    values: [
      "NEEDS_ARTIFACT",
      "EXPIRED",
      "EXPIRING_SOON",
      "TEST_ERROR",
      "TEST_FAILED",
      "READY",
      "TEST_PASSED",
      "TEST_UNUSED",
      "TEST_DISABLED",
      "TEST_DELETED",
    ],
  },
  "artifactTypes[]": { kind: "enum[]", values: ARTIFACT_TYPES },
};

/** Query parameters of `GET /workspaces/{workspaceId}/evidence/{evidenceId}`. */
export const GET_EVIDENCE_QUERY: Record<string, QueryParam> = { "expand[]": EXPAND };

/** Query parameters of `GET …/evidence/{evidenceId}/artifacts` (`listEvidenceArtifacts`). */
export const LIST_ARTIFACTS_QUERY: Record<string, QueryParam> = {
  cursor: CURSOR,
  size: SIZE,
  sort: SORT,
  sortDir: SORT_DIR,
  name: { kind: "string", max: 191 },
  "artifactTypes[]": { kind: "enum[]", values: ARTIFACT_TYPES },
  isArchived: { kind: "boolean" },
};

/** Checks a query string against an endpoint's parameters; returns the problems, NestJS-style. */
export function checkQuery(params: URLSearchParams, spec: Record<string, QueryParam>): string[] {
  const problems: string[] = [];
  for (const key of new Set(params.keys())) {
    const param = spec[key];
    if (!param) {
      problems.push(`property ${key} should not exist`);
      continue;
    }
    const values = params.getAll(key);
    const single = !param.kind.endsWith("[]");
    if (single && values.length > 1) problems.push(`${key} must be a single value`);
    for (const value of values) {
      if (param.kind === "number") {
        const n = Number(value);
        if (!Number.isFinite(n) || n < param.min || n > param.max)
          problems.push(`${key} must be a number between ${param.min} and ${param.max}`);
      } else if (param.kind === "number[]" && !Number.isFinite(Number(value))) {
        problems.push(`each value in ${key} must be a number`);
      } else if (param.kind === "boolean" && value !== "true" && value !== "false") {
        problems.push(`${key} must be a boolean value`);
      } else if ((param.kind === "enum" || param.kind === "enum[]") && !param.values.includes(value)) {
        problems.push(`${key} must be one of: ${param.values.join(", ")}`);
      } else if (param.kind === "string" && param.max !== undefined && value.length > param.max) {
        problems.push(`${key} must be shorter than or equal to ${param.max} characters`);
      }
    }
  }
  return problems;
}

/** A zod failure as class-validator would word it: `artifacts.0.property type should not exist`. */
export function validationMessages(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.length ? `${issue.path.join(".")}.` : "";
    if (issue.code === "unrecognized_keys")
      return issue.keys.map((key) => `${at}property ${key} should not exist`);
    return [`${issue.path.join(".") || "body"} ${issue.message}`];
  });
}
