export type { EvidenceSummary } from "@iddio-compliance/schema";
// The project's one error base (owned by @iddio-compliance/schema): a connector needs only the SDK.
export { IddioComplianceError, isIddioComplianceError } from "@iddio-compliance/schema";
export { secureUrlSchema } from "./config/secure-url-schema.ts";
export type {
  CheckResult,
  Connector,
  ConnectorCapabilities,
  ConnectorContext,
  ConnectorImplementation,
  ContextErrorFields,
  CreateConnectorOptions,
  PlannedFile,
  PushOptions,
  PushPlan,
  PushReceipt,
  PushResult,
  ReceiptFile,
  RemoteFileStatus,
  SkippedFile,
} from "./connector-types.ts";
export type { ConnectorDefinition, ConnectorSpec } from "./define-connector.ts";
export { defineConnector, isConnectorDefinition } from "./define-connector.ts";
export type { ConnectorErrorCode, ConnectorErrorInit } from "./errors/connector-error.ts";
/** @public The error every connector failure becomes (docs/writing-a-connector.md). */
export { ConnectorError, isConnectorError } from "./errors/connector-error.ts";
export type {
  HttpBody,
  HttpClient,
  HttpOptions,
  HttpRequest,
  HttpResponse,
  SearchParams,
} from "./http/http-client.ts";
/** @public Checks a platform's response body against its published schema (docs/writing-a-connector.md). */
export { parseResponse } from "./http/parse-response.ts";
export type { RetryOptions } from "./http/retry-policy.ts";
export { backoffDelay } from "./http/retry-policy.ts";
/** @public Joins a configured base URL and a path (docs/writing-a-connector.md, the example connector). */
export { joinUrl } from "./http/secure-url.ts";
export type { Sleep } from "./http/sleep.ts";
export type { LogFields, Logger, StderrLoggerOptions } from "./logger/logger.ts";
export { createStderrLogger, defaultLogger, redactingLogger, silentLogger } from "./logger/logger.ts";
export type { CriterionKey } from "./package/criterion-of-file.ts";
export { CRITERION_KEYS } from "./package/criterion-of-file.ts";
export type { EvidenceFile, EvidencePackage } from "./package/evidence-package.ts";
export { loadEvidencePackage, sha256Hex } from "./package/load-evidence-package.ts";
export type { Redactor } from "./redact/redactor.ts";
export { collectSecrets, createRedactor } from "./redact/redactor.ts";
