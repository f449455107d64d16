export type {
  FakeRequest,
  FakeResponse,
  FakeServer,
  FakeServerOptions,
  Fault,
  RecordedRequest,
} from "./fake-server.ts";
export { createFakeServer, readFormData } from "./fake-server.ts";
export type { ConformanceOptions } from "./run-connector-conformance.ts";
export { runConnectorConformance } from "./run-connector-conformance.ts";
export type { WriteEvidencePackageOptions } from "./write-evidence-package.ts";
export { writeEvidencePackage } from "./write-evidence-package.ts";
