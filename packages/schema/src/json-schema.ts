import { z } from "zod";
import { EVIDENCE_FILES, type EvidenceFileName } from "./evidence/index.ts";

/** The parts of a JSON Schema (draft 2020-12) that `z.toJSONSchema` emits for the evidence schemas. */
export interface JsonSchema {
  $id?: string;
  title?: string;
  description?: string;
  type?: string | readonly string[];
  const?: unknown;
  enum?: readonly unknown[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: readonly JsonSchema[];
}

/**
 * The JSON Schema of every evidence file, keyed by evidence file name (`cc6.1-access-controls.json`,
 * …, in {@link EVIDENCE_FILES} order): the documents `json-schema/` holds and the field reference
 * is generated from.
 */
export function evidenceJsonSchemas(): Record<EvidenceFileName, JsonSchema> {
  const out = {} as Record<EvidenceFileName, JsonSchema>;
  for (const [file, schema] of Object.entries(EVIDENCE_FILES) as [EvidenceFileName, z.ZodType][]) {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", unrepresentable: "any" });
    const id = `https://iddio-compliance.dev/schema/${schemaFileName(file)}`;
    out[file] = { $id: id, title: file, ...(json as JsonSchema) };
  }
  return out;
}

/**
 * Renders the JSON Schema of every evidence file, keyed by schema file name
 * (`cc6.1-access-controls.schema.json`, …), as the text committed in `json-schema/`.
 */
export function renderJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, document] of Object.entries(evidenceJsonSchemas())) {
    out[schemaFileName(file)] = `${JSON.stringify(document, null, 2)}\n`;
  }
  return out;
}

function schemaFileName(file: string): string {
  return file.replace(/\.json$/, ".schema.json");
}
