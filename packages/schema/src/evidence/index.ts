import type { z } from "zod";
import { auditLogIntegritySchema } from "./audit-log-integrity.ts";
import { cc61AccessControlsSchema } from "./cc6-1-access-controls.ts";
import { cc62CredentialLifecycleSchema } from "./cc6-2-credential-lifecycle.ts";
import { cc63AuthorizationChangesSchema } from "./cc6-3-authorization-changes.ts";
import { cc72MonitoringEvidenceSchema } from "./cc7-2-monitoring-evidence.ts";
import { checkpointSchema } from "./checkpoint.ts";
import { summarySchema } from "./summary.ts";

/** The JSON files of a JSON package, by file name: the six of DESIGN §5 and `checkpoint.json` (DESIGN §11). */
export const EVIDENCE_FILES = {
  "cc6.1-access-controls.json": cc61AccessControlsSchema,
  "cc6.2-credential-lifecycle.json": cc62CredentialLifecycleSchema,
  "cc6.3-authorization-changes.json": cc63AuthorizationChangesSchema,
  "cc7.2-monitoring-evidence.json": cc72MonitoringEvidenceSchema,
  "audit-log-integrity.json": auditLogIntegritySchema,
  "checkpoint.json": checkpointSchema,
  "summary.json": summarySchema,
} as const satisfies Record<string, z.ZodType>;

export type EvidenceFileName = keyof typeof EVIDENCE_FILES;
