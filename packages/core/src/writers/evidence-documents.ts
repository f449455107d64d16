import type { AuditLogIntegrity } from "@iddio-compliance/schema";
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

/** File names of a package (DESIGN §5). */
export const FILE_NAMES = {
  cc61: "cc6.1-access-controls",
  cc62: "cc6.2-credential-lifecycle",
  cc63: "cc6.3-authorization-changes",
  cc72: "cc7.2-monitoring-evidence",
  integrity: "audit-log-integrity",
  summary: "summary",
} as const;
