import { z } from "zod";
import { EVIDENCE_FILES } from "./evidence/index.ts";

/**
 * Renders the JSON Schema of every evidence file, keyed by schema file name
 * (`cc6.1-access-controls.schema.json`, …), as the text committed in `json-schema/`.
 */
export function renderJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, schema] of Object.entries(EVIDENCE_FILES)) {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", unrepresentable: "any" });
    const name = file.replace(/\.json$/, ".schema.json");
    const document = { $id: `https://iddio-compliance.dev/schema/${name}`, title: file, ...json };
    out[name] = `${JSON.stringify(document, null, 2)}\n`;
  }
  return out;
}
