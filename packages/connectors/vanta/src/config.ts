import { CRITERION_KEYS, secureUrlSchema } from "@iddio-compliance/connector-sdk";
import { z } from "zod";

/** Options of the Vanta connector (one entry of `compliance.connectors` with `type: vanta`). */
export const vantaConfigSchema = z.strictObject({
  /** API host (`https://api.vanta-gov.com` for Vanta Government Cloud), or Vanta's server URL ending in `/v1`. @default "https://api.vanta.com" */
  base_url: secureUrlSchema().default("https://api.vanta.com"),
  /** OAuth client id of a Manage Vanta application. */
  client_id: z.string().min(1),
  /** OAuth client secret of that application. */
  client_secret: z.string().min(1),
  /** Criterion → Vanta document id (`access-requests` or a 24-hex id); files of unmapped criteria are skipped. */
  documents: z
    .partialRecord(
      z.enum(CRITERION_KEYS),
      z.string().regex(/^[A-Za-z0-9_-]+$/, "expected a Vanta document id"),
    )
    .refine((map) => Object.keys(map).length > 0, "map at least one criterion to a document id"),
  /** Submit each document for review after uploading to it. @default false */
  submit: z.boolean().default(false),
  /** OAuth scopes requested. @default "vanta-api.all:read vanta-api.all:write" */
  scope: z.string().min(1).default("vanta-api.all:read vanta-api.all:write"),
});

/** Parsed Vanta options. */
export type VantaConfig = z.output<typeof vantaConfigSchema>;

/** The API host of a config: `base_url` without trailing slashes and without the `/v1` of Vanta's documented server URL. */
export function vantaApiHost(config: Pick<VantaConfig, "base_url">): string {
  return config.base_url.replace(/\/+$/, "").replace(/\/v1$/, "");
}
