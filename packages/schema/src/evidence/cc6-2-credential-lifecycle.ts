import { z } from "zod";
import { criterionHeader, timestamp } from "./common.ts";

export const tokenEvidenceSchema = z.object({
  fingerprint: z.string(),
  issued: timestamp.nullable(),
  rotated: z.array(timestamp),
  revoked: timestamp.nullable(),
  replaced_by: z.string().nullable(),
  age_days: z.int().nullable(),
  status: z.enum(["active", "rotated", "revoked"]),
});

export const certificateEvidenceSchema = z.object({
  serial: z.string(),
  fingerprint_sha256: z.string(),
  spiffe_id: z.string().nullable(),
  not_before: timestamp,
  not_after: timestamp,
  status: z.enum(["valid", "expiring", "expired", "revoked", "superseded"]),
  source: z.enum(["file", "record"]),
});

export const credentialFindingSchema = z.object({
  kind: z.enum(["token_never_rotated", "certificate_expiring", "certificate_expired"]),
  agent: z.string(),
  subject: z.string(),
  detail: z.string(),
});

/** `cc6.2-credential-lifecycle.json`: tokens, certificates and JIT credentials per agent. */
export const cc62CredentialLifecycleSchema = z.object({
  ...criterionHeader,
  population: z.object({
    agents: z.int(),
    tokens: z.int(),
    certificates: z.int(),
    jit_issuances: z.int(),
    credential_records_in_period: z.int(),
  }),
  agents: z.array(
    z.object({
      name: z.string(),
      tokens: z.array(tokenEvidenceSchema),
      certificates: z.array(certificateEvidenceSchema),
      jit: z.object({ "k8s-token": z.int(), "ssh-cert": z.int(), other: z.int() }),
    }),
  ),
  proxy_certificate: z.object({
    current: certificateEvidenceSchema.nullable(),
    renewals: z.array(certificateEvidenceSchema.extend({ timestamp })),
  }),
  findings: z.array(credentialFindingSchema),
});
export type Cc62CredentialLifecycle = z.infer<typeof cc62CredentialLifecycleSchema>;
