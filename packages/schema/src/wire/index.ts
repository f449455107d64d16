// `@iddio-compliance/schema/wire`: the audit log's format without the zod schemas (so a thread
// that only reads records does not load zod): the Go-compatible encoder, struct orders, tier names,
// the file names of a package and the manifest check (so the report page checks files in the browser
// with the same rules as `verify-package`).

export {
  IddioComplianceError,
  isIddioComplianceError,
  renderError,
} from "../errors/iddio-compliance-error.ts";
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
export type { GoField } from "./go-json.ts";
export { goMarshalStruct, goMarshalValue, goQuote } from "./go-json.ts";
export { COMMAND_EVENT_FIELDS, LIFECYCLE_KINDS, lifecycleFields } from "./struct-order.ts";
export { TIER_NAMES } from "./tier-names.ts";
