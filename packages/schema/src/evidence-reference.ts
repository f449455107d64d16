import {
  type CriterionDocument,
  CSV_LIST_FILES,
  DOCUMENT_NAMES,
  INTEGRITY_FINDINGS_CSV,
  REASONS_CSV,
} from "./evidence/package-files.ts";
import { evidenceJsonSchemas, type JsonSchema } from "./json-schema.ts";

/** One field of an evidence file, as the reference lists it. */
export interface EvidenceField {
  /** Where the field is: `approvals.wait_ms.p95`, `agents[].by_tier.3` (`[]`: each item of a list). */
  path: string;
  /** The field's JSON type in words: `integer`, `string | null`, `array of object`, `` `ok` | `fail` ``. */
  type: string;
  /** The schema's description; `undefined` when the schema gives none. */
  description: string | undefined;
}

/**
 * Every property of a JSON Schema, depth first in schema order: into objects, the items of lists
 * and each branch of a nullable (`anyOf`) value, so a field of a list item or of a nullable object
 * is listed under its parent.
 */
export function evidenceFields(schema: JsonSchema): EvidenceField[] {
  const out: EvidenceField[] = [];
  const descend = (node: JsonSchema, path: string): void => {
    for (const [key, property] of Object.entries(node.properties ?? {})) {
      const at = path === "" ? key : `${path}.${key}`;
      out.push({ path: at, type: typeOf(property), description: property.description });
      descend(property, at);
    }
    if (node.items) descend(node.items, `${path}[]`);
    if (typeof node.additionalProperties === "object") descend(node.additionalProperties, `${path}.<key>`);
    for (const branch of node.anyOf ?? []) descend(branch, path);
  };
  descend(schema, "");
  return out;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (schema.type === "array") return `array of ${schema.items ? typeOf(schema.items) : "any JSON"}`;
  if (schema.type === "object" && typeof schema.additionalProperties === "object")
    return `map of ${typeOf(schema.additionalProperties)}`;
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  return (schema.type as string | undefined) ?? "any JSON";
}

const COMMAND = "pnpm --filter @iddio-compliance/schema evidence-reference";

const PREAMBLE = `# Evidence reference

<!-- Generated from the zod schemas in packages/schema/src/evidence/ by \`${COMMAND}\`
(also run by \`pnpm --filter @iddio-compliance/schema json-schema\`). Do not edit by hand: change a
field's \`.describe()\` and regenerate; a test fails while this file is stale. -->

Every field of the six files of an evidence package, what it counts, out of which records, over
which time frame and in which unit. The same descriptions are in the published JSON Schemas
(\`packages/schema/json-schema/\`). The rules that decide every figure (when a record is in the
period, how an approval is linked to its request, credentials as at the period's end, statuses and
reasons, the invariants every package satisfies) are in [the data contract](data-contract.md), §4.

How to read the tables:

- **Field**: \`a.b\` is field \`b\` of the object \`a\`; \`a[]\` is each item of the list \`a\`;
  \`a.<key>\` is each entry of the map \`a\`. Fields are listed in the order the file writes them.
- **Type**: \`integer\`, \`number\`, \`string\`, \`boolean\`, \`object\`, \`array of …\`, \`map of …\`
  (an object whose keys are data); values in backticks separated by \`|\` are the only values the
  field takes (its description says what each means); \`| null\` means the field is always present
  and may be \`null\`.
- **In the period** means timestamped in \`[first instant of period.from, first instant after
  period.to)\` in \`period.time_zone\`; **the whole chain** means every event of the audit log read,
  whatever its time. Timestamps are RFC 3339 in UTC; durations state their unit.
`;

/**
 * Renders `docs/evidence-reference.md`: for each evidence file, its description and a table of its
 * fields (path, type, description) in schema order. Deterministic: it depends on the schemas only.
 */
export function renderEvidenceReference(): string {
  const parts = [PREAMBLE];
  const schemas = Object.entries(evidenceJsonSchemas());
  parts.push(`Files: ${schemas.map(([file]) => `[\`${file}\`](#${anchorOf(file)})`).join(", ")}.\n`);
  for (const [file, schema] of schemas) {
    parts.push(`## ${file}\n`);
    if (schema.description) parts.push(`${schema.description}\n`);
    const csv = csvNote(file);
    if (csv) parts.push(`${csv}\n`);
    const rows = evidenceFields(schema).map(
      (f) => `| \`${cell(f.path)}\` | ${cell(f.type)} | ${cell(f.description ?? "")} |`,
    );
    parts.push(`${["| Field | Type | Description |", "| --- | --- | --- |", ...rows].join("\n")}\n`);
  }
  return parts.join("\n");
}

/** Where a file's content is in a CSV package (from the file names of `package-files.ts`). */
function csvNote(file: string): string | null {
  const intro = "In a CSV package (`--format csv`)";
  if (file === `${DOCUMENT_NAMES.summary}.json`)
    return `${intro} this file stays JSON, beside \`${DOCUMENT_NAMES.summary}.csv\` and every criterion's reasons in \`${REASONS_CSV}\`.`;
  if (file === `${DOCUMENT_NAMES.integrity}.json`)
    return `${intro} this file becomes \`${DOCUMENT_NAMES.integrity}.csv\`, with \`findings\` in \`${INTEGRITY_FINDINGS_CSV}\`.`;
  const doc = (Object.keys(CSV_LIST_FILES) as CriterionDocument[]).find(
    (key) => `${DOCUMENT_NAMES[key]}.json` === file,
  );
  if (!doc) return null;
  const lists = Object.entries(CSV_LIST_FILES[doc] as Record<string, string>).map(
    ([pointer, csv]) => `\`${pointer.slice(1).replaceAll("/", ".")}\` in \`${csv}\``,
  );
  return `${intro} this file becomes \`${DOCUMENT_NAMES[doc]}.csv\`, with its lists in: ${lists.join(", ")}.`;
}

/** A table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/\s*\n\s*/g, " ");
}

/** The anchor GitHub gives a heading: lowercase, punctuation but `-` and `_` dropped. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replaceAll(" ", "-");
}
