import type { AuditLogIntegrity } from "@iddio-compliance/schema";
import { DOCUMENT_NAMES } from "@iddio-compliance/schema/wire";
import type { AccessControlsMapper } from "../mappers/cc6-1-access-controls.ts";
import type { CredentialLifecycleMapper } from "../mappers/cc6-2-credential-lifecycle.ts";
import type { AuthorizationChangesMapper } from "../mappers/cc6-3-authorization-changes.ts";
import type { MonitoringEvidenceMapper } from "../mappers/cc7-2-monitoring-evidence.ts";

/** The five evidence documents of one export, before they are written (lists may be spooled). */
export interface EvidenceDocuments {
  cc61: ReturnType<AccessControlsMapper["finish"]>;
  cc62: ReturnType<CredentialLifecycleMapper["finish"]>;
  cc63: ReturnType<AuthorizationChangesMapper["finish"]>;
  cc72: Awaited<ReturnType<MonitoringEvidenceMapper["finish"]>>;
  integrity: AuditLogIntegrity;
}

/** File names of a package (DESIGN §5), without their extension. */
export const FILE_NAMES = DOCUMENT_NAMES;
