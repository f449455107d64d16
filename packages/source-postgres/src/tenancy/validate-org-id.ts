import { ComplianceError } from "@iddio-compliance/core";

const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Checks an organisation id before it reaches a query, a storage key or a file name: 1–63
 * letters, digits, `.`, `_` or `-`, starting with a letter or digit, never `..` (so never a path
 * segment that climbs). Throws a `ComplianceError` (`INVALID_OPTION`) naming `subject`.
 */
export function validateOrgId(orgId: unknown, subject = "--org"): string {
  if (typeof orgId !== "string" || !ORG_ID.test(orgId) || orgId.includes("..")) {
    const shown = typeof orgId === "string" ? JSON.stringify(orgId.slice(0, 80)) : typeof orgId;
    throw new ComplianceError(
      "INVALID_OPTION",
      `${subject}: invalid organisation id ${shown} (1-63 letters, digits, ".", "_" or "-", starting with a letter or digit, no "..")`,
      { subject },
    );
  }
  return orgId;
}
