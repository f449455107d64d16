import { CRITERION_KEYS, secureUrlSchema } from "@iddio-compliance/connector-sdk";
import { z } from "zod";

const withoutTrailingSlashes = (url: string) => url.replace(/\/+$/, "");

/** Drata's regional API hosts; a bearer key is only ever sent to one of these or to an explicit `base_url`. */
const DRATA_REGION_HOSTS = {
  us: "https://public-api.drata.com",
  eu: "https://public-api.eu.drata.com",
  apac: "https://public-api.apac.drata.com",
} as const;

/** Drata's renewal schedules for evidence. */
const RENEWAL_SCHEDULES = [
  "ONE_MONTH",
  "TWO_MONTHS",
  "THREE_MONTHS",
  "SIX_MONTHS",
  "ONE_YEAR",
  "NONE",
] as const;

/** Options of the Drata connector (one entry of `compliance.connectors` with `type: drata`). */
export const drataConfigSchema = z.strictObject({
  /** Drata API key with Evidence Library read and write permission; sent as a bearer token. */
  api_key: z.string().min(1),
  /** Data region, which picks the API host. @default "us" */
  region: z.enum(["us", "eu", "apac"]).default("us"),
  /** API host overriding `region` (a private deployment, or a local test server), or Drata's v2 server URL ending in `/public/v2`. */
  base_url: secureUrlSchema()
    .refine(
      (url) => !/\/public(\/v1)?$/.test(withoutTrailingSlashes(url)),
      "the URL points at Drata's v1 API; give the host (https://public-api.drata.com) or the v2 server URL (https://public-api.drata.com/public/v2)",
    )
    .optional(),
  /** Numeric id of the Drata workspace that holds the evidence. */
  workspace_id: z.union([
    z.int().positive(),
    z.string().regex(/^\d+$/, "expected a numeric workspace id").transform(Number),
  ]),
  /** Criterion → Drata control ids the evidence is linked to. @default {} */
  control_ids: z.partialRecord(z.enum(CRITERION_KEYS), z.array(z.int().positive()).min(1)).default({}),
  /** How often Drata should expect new evidence; the renewal date is counted from the period end. @default "THREE_MONTHS" */
  renewal_schedule: z.enum(RENEWAL_SCHEDULES).default("THREE_MONTHS"),
});

/** Parsed Drata options. */
export type DrataConfig = z.output<typeof drataConfigSchema>;

/** The v2 API root for a config: `base_url` (the host, or already the v2 server URL) or the region's host, plus `/public/v2`. */
export function drataApiRoot(config: Pick<DrataConfig, "base_url" | "region">): string {
  const base = withoutTrailingSlashes(config.base_url ?? DRATA_REGION_HOSTS[config.region]);
  return `${base.replace(/\/public\/v2$/, "")}/public/v2`;
}
