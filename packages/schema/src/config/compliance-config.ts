import { z } from "zod";
import {
  connectorTypeProblem,
  cronProblem,
  isConnectorName,
  isOrgId,
  isTimeZone,
  ORG_ID_RULE,
  parseStorageLocation,
} from "./config-rules.ts";
import { formatKeyPath } from "./key-path.ts";

/** The criterion keys a connector maps to remote ids (`documents`, `control_ids`). */
export const CRITERION_KEYS = ["CC6.1", "CC6.2", "CC6.3", "CC7.2", "summary", "integrity"] as const;

const timeZone = z.string().refine(isTimeZone, { error: (i) => `unknown time zone "${String(i.input)}"` });
const orgId = z.string().refine(isOrgId, {
  error: (i) => `invalid organisation id ${JSON.stringify(String(i.input).slice(0, 80))} (${ORG_ID_RULE})`,
});

/** Organisation ids, each listed once. */
const orgIds = z
  .array(orgId)
  .min(1)
  .superRefine((ids, ctx) => {
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i)
        ctx.addIssue({ code: "custom", path: [i], message: `organisation "${id}" is listed twice` });
    });
  });

/**
 * One entry of `compliance.connectors`. `type` (a built-in name or a package name) and `name` are
 * checked here; each connector validates its own keys with the schema it declares to
 * `defineConnector` (so this object is loose).
 */
export const connectorConfigSchema = z.looseObject({
  type: z.string().superRefine((type, ctx) => {
    const problem = connectorTypeProblem(type);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  name: z
    .string()
    .refine(isConnectorName, { error: "use letters, digits, dot, dash or underscore" })
    .optional(),
});

/**
 * `compliance.auto_export.s3`: how to reach an S3-compatible store. Every key is optional; without
 * credentials the AWS default chain is used.
 */
export const s3StorageConfigSchema = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  region: z.string().min(1).optional(),
  force_path_style: z.boolean().optional(),
  access_key_id: z.string().min(1).optional(),
  secret_access_key: z.string().min(1).optional(),
  session_token: z.string().min(1).optional(),
});
export type S3StorageConfig = z.infer<typeof s3StorageConfigSchema>;

const autoExportSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    // Cron syntax does not depend on the zone it is read in (checked against UTC here).
    schedule: z
      .string()
      .default("0 0 1 * *")
      .superRefine((pattern, ctx) => {
        const problem = cronProblem(pattern, "UTC");
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    period: z
      .enum(["previous_month", "previous_quarter", "previous_day", "since_last_export"])
      .default("previous_month"),
    format: z.enum(["json", "csv"]).default("json"),
    retention: z.int().positive().optional(),
    /** On a fresh install, export every period from this date on (catch-up of history) instead of starting at the next fire. */
    backfill_from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
      .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "not a calendar date")
      .optional(),
    storage: z
      .string()
      .min(1)
      .superRefine((value, ctx) => {
        const parsed = parseStorageLocation(value);
        if ("error" in parsed) ctx.addIssue({ code: "custom", message: parsed.error });
      }),
    s3: s3StorageConfigSchema.optional(),
    timezone: timeZone.optional(),
  })
  .optional();

/** The `compliance:` block of the iddio server config (DESIGN §7.2): strict, an unknown key is an error. */
export const complianceConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  source: z
    .strictObject({
      audit_log: z.string().optional(),
      postgres: z
        .strictObject({
          url: z.string().refine((u) => /^postgres(ql)?:\/\//i.test(u), {
            error: "expected a postgres:// or postgresql:// URL",
          }),
          org_id: z.union([orgId, orgIds]),
        })
        .optional(),
    })
    .refine((s) => !(s.audit_log && s.postgres), { message: "set one of audit_log or postgres, not both" })
    .default({}),
  timezone: timeZone.default("UTC"),
  auto_export: autoExportSchema,
  connectors: z
    .array(connectorConfigSchema)
    .superRefine((entries, ctx) => {
      const names = new Map<string, number>();
      entries.forEach((entry, i) => {
        const name = entry.name ?? entry.type;
        const first = names.get(name);
        if (first === undefined) names.set(name, i);
        else
          ctx.addIssue({
            code: "custom",
            path: [i, "name"],
            message: `another connector is already named "${name}" (connectors[${first}]); give each a distinct name`,
          });
      });
    })
    .default([]),
  /**
   * Sign every exported package: `key` is an Ed25519 private key (from `iddio-compliance keygen`),
   * as a file path or as PEM text from `${VAR}`. Each package gets `summary.json.sig`.
   */
  signing: z.strictObject({ key: z.string().min(1) }).optional(),
  /** The connector outbox: a push still pending `alert_after_hours` after it was queued degrades `/healthz`. */
  outbox: z
    .strictObject({ alert_after_hours: z.number().positive().default(24) })
    .default({ alert_after_hours: 24 }),
  /** On shutdown (SIGTERM), how long an export or push in flight may finish before it is aborted. */
  drain_timeout_seconds: z.number().positive().optional(),
  state_dir: z.string().optional(),
  listen: z.string().optional(),
});
export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;

/** One invalid key of the config: its path from the config root, and what is wrong. */
export interface ConfigIssue {
  /** Key path as a config author writes it, e.g. `compliance.auto_export.schedule`. */
  path: string;
  /** What is wrong, never quoting a value that could be a secret. */
  message: string;
}

/**
 * The one parse of a `compliance:` block (push, serve, the in-process host and the tests all go
 * through it): strict (an unknown key is an issue, with a "did you mean" for a near miss),
 * refined (cron, time zones, storage URL, organisation ids, connector types and names),
 * defaults filled. `${VAR}` must already be resolved. Pure: returns the issues, never throws.
 */
export function parseComplianceConfig(
  block: unknown,
): { success: true; data: ComplianceConfig } | { success: false; issues: ConfigIssue[] } {
  const parsed = complianceConfigSchema.safeParse(block);
  if (parsed.success) return { success: true, data: parsed.data };
  const issues: ConfigIssue[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const known = knownKeys(complianceConfigSchema, issue.path);
        const near = nearest(key, known);
        issues.push({
          path: formatKeyPath(["compliance", ...issue.path, key]),
          message: `unknown key${near ? ` (did you mean "${near}"?)` : known.length > 0 ? ` (expected one of ${known.join(", ")})` : ""}`,
        });
      }
    } else issues.push({ path: formatKeyPath(["compliance", ...issue.path]), message: issue.message });
  }
  return { success: false, issues };
}

/** The keys an object schema accepts at `path` (through optional, default and array wrappers). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  for (const segment of [...path, null]) {
    for (let unwrap = 0; unwrap < 8 && node; unwrap++) {
      const def: { type: string; innerType?: z.ZodType; in?: z.ZodType } = (
        node as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } }
      )._zod.def;
      if (def.innerType) node = def.innerType;
      else if (def.type === "pipe" && def.in) node = def.in;
      else break;
    }
    if (!node) return [];
    if (segment === null) break;
    if (typeof segment === "number") node = (node as { element?: z.ZodType }).element;
    else node = (node as { shape?: Record<string, z.ZodType> }).shape?.[String(segment)];
  }
  const shape = (node as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** The nearest known key close enough to be a typo of `key` (one edit per three letters, at most two). */
function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d <= Math.min(2, Math.floor(candidate.length / 3)) && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Damerau–Levenshtein distance (adjacent swaps count one: `auto_exprot` → `auto_export`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  return (d[a.length] as number[])[b.length] as number;
}
