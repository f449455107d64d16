import { join } from "node:path";
import type { ResolvedComplianceConfig } from "../config/resolve-config.ts";
import type { StorageTarget } from "../config/storage-url.ts";

/** The storage of one organisation's packages: `<prefix>/<org>/` under the configured storage. */
export function orgStorageTarget(target: StorageTarget, orgId: string): StorageTarget {
  return target.kind === "file"
    ? { kind: "file", dir: join(target.dir, orgId) }
    : { kind: "s3", bucket: target.bucket, prefix: `${target.prefix}${orgId}/` };
}

/**
 * The config one organisation's runtime runs on: its packages under `<storage>/<org>/`, its own
 * state (ledger, schedule state, outbox) under `<state_dir>/orgs/<org>/`, so nothing of one
 * organisation is ever read, recorded or pushed with another's. `orgId` is already validated.
 */
export function orgRuntimeConfig(config: ResolvedComplianceConfig, orgId: string): ResolvedComplianceConfig {
  const ae = config.autoExport;
  const storage = ae ? orgStorageTarget(ae.storage, orgId) : undefined;
  return {
    ...config,
    stateDir: join(config.stateDir, "orgs", orgId),
    autoExport:
      ae && storage
        ? {
            ...ae,
            storage,
            storageUrl:
              storage.kind === "s3" ? `s3://${storage.bucket}/${storage.prefix}` : `file://${storage.dir}`,
          }
        : undefined,
  };
}
