// `@iddio-compliance/schema/wire`: what a worker thread or the report page needs without loading
// zod: the error base, lifecycle kinds, tier names, the file names of a package, and the manifest
// check (so the report page checks files in the browser with the same rules as `verify-package`).

export { IddioComplianceError, isIddioComplianceError } from "../errors/iddio-compliance-error.ts";
export type { ManifestItem, ManifestProblem, PresentFile } from "../evidence/check-manifest.ts";
export { checkManifest } from "../evidence/check-manifest.ts";
export type { CriterionDocument } from "../evidence/package-files.ts";
export {
  CSV_LIST_FILES,
  DOCUMENT_NAMES,
  INTEGRITY_FINDINGS_CSV,
  listLocation,
  REASONS_CSV,
  SIGNATURE_FILE,
  SUMMARY_FILE,
} from "../evidence/package-files.ts";
export { LIFECYCLE_KINDS } from "./struct-order.ts";
export { TIER_NAMES } from "./tier-names.ts";
