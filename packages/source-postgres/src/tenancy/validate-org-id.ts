import { ComplianceError } from "@iddio-compliance/core";
import { isOrgId, ORG_ID_RULE } from "@iddio-compliance/schema";

/**
 * Checks an organisation id before it reaches a query, a storage key or a file name: 1–63
 * letters, digits, `.`, `_` or `-`, starting with a letter or digit, never `..` (so never a path
 * segment that climbs). Throws a `ComplianceError` (`INVALID_OPTION`) naming `subject`.
 */
export function validateOrgId(orgId: unknown, subject = "--org"): string {
  if (typeof orgId !== "string" || !isOrgId(orgId)) {
    const shown = typeof orgId === "string" ? JSON.stringify(orgId.slice(0, 80)) : typeof orgId;
    throw new ComplianceError(
      "INVALID_OPTION",
      `${subject}: invalid organisation id ${shown} (${ORG_ID_RULE})`,
      { subject },
    );
  }
  return orgId;
}
