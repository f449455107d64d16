import { z } from "zod";
import { criterionHeader, timestamp } from "./common.ts";

const tokenEvidenceSchema = z.object({
  fingerprint: z
    .string()
    .describe(
      "`sha256:` and the hex SHA-256 of the token's value (the value itself never leaves the reader).",
    ),
  issued: timestamp
    .nullable()
    .describe(
      "When the token was issued: the `token.issued` or `token.rotated` record that introduced it (UTC), else its `created_at` in `tokens.yaml` as written there; `null` when neither says.",
    ),
  rotated: z
    .array(timestamp)
    .describe(
      "Timestamps (UTC) of the `token.rotated` records up to the period's end that replaced this token (normally at most one).",
    ),
  revoked: timestamp
    .nullable()
    .describe(
      "Timestamp (UTC) of the `token.revoked` record for this token up to the period's end; `null` when none.",
    ),
  replaced_by: z
    .string()
    .nullable()
    .describe(
      "Fingerprint of the token that replaced this one in a `token.rotated` record; `null` when none.",
    ),
  age_days: z
    .int()
    .nullable()
    .describe(
      "Whole days (rounded down) from `issued` to the token's rotation or revocation, or for an active token to the period's end (the export's clock, if earlier); `null` when `issued` is.",
    ),
  status: z
    .enum(["active", "rotated", "revoked"])
    .describe(
      "At the period's end: `active` (neither rotated nor revoked), `rotated` (replaced by a `token.rotated` record), `revoked` (a `token.revoked` record); the last such record decides.",
    ),
});

const certificateEvidenceSchema = z.object({
  serial: z.string().describe("The certificate's serial number, lowercase hex."),
  fingerprint_sha256: z
    .string()
    .describe("Lowercase hex SHA-256 of the certificate's DER bytes, without colons."),
  spiffe_id: z
    .string()
    .nullable()
    .describe("The SPIFFE URI in the certificate's subject alternative name; `null` when it holds none."),
  not_before: timestamp.describe(
    "Start of the certificate's validity (UTC when read from a file; as the `cert.*` record states it otherwise).",
  ),
  not_after: timestamp.describe(
    "End of the certificate's validity (UTC when read from a file; as the `cert.*` record states it otherwise).",
  ),
  status: z
    .enum(["valid", "expiring", "expired", "revoked", "superseded"])
    .describe(
      "At the period's end (the export's clock, if earlier): `revoked` (a `cert.revoked` record by then), `superseded` (not the newest certificate, by `not_before`, of its holder by then), `expired` (`not_after` before then), `expiring` (`not_after` within 30 days after then), `valid` otherwise.",
    ),
  source: z
    .enum(["file", "record"])
    .describe(
      "`file`: read from `agents/<name>/agent.crt` or `tls.crt` (shown only if it existed by the period's end); `record`: stated by a `cert.issued`, `cert.renewed` or `cert.revoked` record of the log.",
    ),
});

const credentialFindingSchema = z.object({
  kind: z
    .enum(["token_never_rotated", "certificate_expiring", "certificate_expired"])
    .describe(
      "`token_never_rotated`: an `active` token with `age_days` of 90 or more; `certificate_expiring`: a current (not superseded) certificate that is `expiring`; `certificate_expired`: one that is `expired`.",
    ),
  agent: z
    .string()
    .describe("The agent holding the credential; `proxy` for the proxy's own TLS certificate."),
  subject: z.string().describe("The token's fingerprint, or the certificate's serial."),
  detail: z.string().describe("One sentence for a person, with the age or expiry date."),
});

/** `cc6.2-credential-lifecycle.json`: tokens, certificates and JIT credentials per agent. */
export const cc62CredentialLifecycleSchema = z
  .object({
    ...criterionHeader,
    population: z
      .object({
        agents: z
          .int()
          .describe(
            "Agents with at least one token or certificate existing by the period's end, or a JIT issuance in the period (the proxy is not counted).",
          ),
        tokens: z
          .int()
          .describe(
            "Bearer tokens of those agents that existed by the period's end, issued before or during the period, whatever their status.",
          ),
        certificates: z
          .int()
          .describe(
            "Agent certificates that existed by the period's end, whatever their status (the proxy's certificate is not counted).",
          ),
        jit_issuances: z.int().describe("`jit.issued` records (just-in-time credentials) in the period."),
        credential_records_in_period: z
          .int()
          .describe("`token.*`, `cert.*` (the proxy's included) and `jit.issued` records in the period."),
      })
      .describe("The counts this file rests on, as at the period's end."),
    agents: z
      .array(
        z.object({
          name: z.string().describe("The agent's name."),
          tokens: z
            .array(tokenEvidenceSchema)
            .describe("The agent's bearer tokens that existed by the period's end, whatever their status."),
          certificates: z
            .array(certificateEvidenceSchema)
            .describe(
              "The agent's certificates that existed by the period's end, in the order read (log records first, then the certificate file).",
            ),
          jit: z
            .object({
              "k8s-token": z
                .int()
                .describe("`jit.issued` records of kind `k8s-token` for this agent in the period."),
              "ssh-cert": z
                .int()
                .describe("`jit.issued` records of kind `ssh-cert` for this agent in the period."),
              other: z
                .int()
                .describe("`jit.issued` records of any other or no kind for this agent in the period."),
            })
            .describe("Just-in-time credentials issued to this agent in the period, by kind."),
        }),
      )
      .describe("Every agent with a credential (see `population.agents`), sorted by name."),
    proxy_certificate: z
      .object({
        current: certificateEvidenceSchema
          .nullable()
          .describe(
            "The proxy's TLS certificate in force at the period's end: the newer (by `not_before`) of `tls.crt`, if it existed by then, and the last `cert.*` record for `proxy` up to then; `null` when neither gives it.",
          ),
        renewals: z
          .array(
            certificateEvidenceSchema.extend({
              timestamp: timestamp.describe("Timestamp of the `cert.issued` or `cert.renewed` record (UTC)."),
            }),
          )
          .describe(
            "Every `cert.issued` and `cert.renewed` record for the proxy in the period, in log order, with the certificate it states.",
          ),
      })
      .describe("The proxy's own TLS certificate (`tls.crt`) and its renewals."),
    findings: z
      .array(credentialFindingSchema)
      .describe("Every credential that needs attention at the period's end, one per token or certificate."),
  })
  .describe(
    "`cc6.2-credential-lifecycle.json` (CC6.2 System credential management): every agent's tokens, certificates and JIT credentials as they were at the period's end, the proxy's certificate and its renewals, and findings.",
  );
export type Cc62CredentialLifecycle = z.infer<typeof cc62CredentialLifecycleSchema>;
