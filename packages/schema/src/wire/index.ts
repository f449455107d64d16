// `@iddio-compliance/schema/wire`: the audit log's format without the zod schemas (so a thread
// that only reads records does not load zod): the Go-compatible encoder, struct orders, tier names,
// and the file names of a package.

export {
  IddioComplianceError,
  isIddioComplianceError,
  renderError,
} from "../errors/iddio-compliance-error.ts";
export type { CriterionDocument } from "../evidence/package-files.ts";
export {
  CSV_LIST_FILES,
  DOCUMENT_NAMES,
  INTEGRITY_FINDINGS_CSV,
  listLocation,
  REASONS_CSV,
} from "../evidence/package-files.ts";
export type { GoField } from "./go-json.ts";
export { goMarshalStruct, goMarshalValue, goQuote } from "./go-json.ts";
export { COMMAND_EVENT_FIELDS, LIFECYCLE_KINDS, lifecycleFields } from "./struct-order.ts";
export { TIER_NAMES } from "./tier-names.ts";
