// Rebuilds the report page before the tests, so they never run against a stale dist/ template.
import { buildReportTemplate } from "./build-template.ts";

export default async function setup(): Promise<void> {
  await buildReportTemplate();
}
