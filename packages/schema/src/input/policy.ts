import { z } from "zod";
import { decisionSchema } from "./audit-event.ts";

/** One rule of `policy.yaml`: a protocol, scope fields (globs) and a tier → decision map. */
const policyRuleSchema = z.looseObject({
  protocol: z.string().optional(),
  namespaces: z.array(z.string()).optional(),
  hosts: z.array(z.string()).optional(),
  ssh_principals: z.array(z.string()).optional(),
  workspaces: z.array(z.string()).optional(),
  releases: z.array(z.string()).optional(),
  services: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
  accounts: z.array(z.string()).optional(),
  tiers: z.record(z.string(), decisionSchema),
});

/** iddio's `policy.yaml` (documented shape; `version` is an assumption). */
export const policySchema = z.looseObject({
  version: z.union([z.string(), z.number()]).optional(),
  default: decisionSchema.optional(),
  agents: z.record(z.string(), z.looseObject({ rules: z.array(policyRuleSchema).default([]) })).default({}),
});
export type Policy = z.infer<typeof policySchema>;

/** `tokens.yaml` (assumed layout). Token values are read only to fingerprint them. */
export const tokensFileSchema = z.object({
  tokens: z
    .array(z.object({ agent: z.string(), token: z.string(), created_at: z.string().optional() }))
    .default([]),
});
