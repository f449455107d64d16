export type { AdvisoryLockKey, AdvisoryLockLease, AdvisoryLockOptions } from "./lock/advisory-lock.ts";
export { advisoryLockKey, tryAdvisoryLock } from "./lock/advisory-lock.ts";
export type {
  AuditEventsMapping,
  AuditEventsMappingInput,
  CommandField,
} from "./mapping/audit-events-mapping.ts";
/** @public The assumed `audit_events` table and columns (README, docs/data-contract.md), the base a `mapping` option merges into. */
export { DEFAULT_AUDIT_EVENTS_MAPPING } from "./mapping/audit-events-mapping.ts";
export type { LineMode } from "./query/line-query.ts";
export type { FollowedRows, PostgresFollower, PostgresFollowerOptions } from "./source/postgres-follower.ts";
export { followPostgres } from "./source/postgres-follower.ts";
export type { PostgresSource, PostgresSourceOptions } from "./source/postgres-source.ts";
export { postgresSource } from "./source/postgres-source.ts";
export { validateOrgId } from "./tenancy/validate-org-id.ts";
