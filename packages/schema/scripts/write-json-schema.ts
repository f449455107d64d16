// Writes one JSON Schema per evidence file into json-schema/. Run: pnpm --filter @iddio-compliance/schema json-schema
// (which then also regenerates docs/evidence-reference.md from the same schemas).
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderJsonSchemas } from "../src/json-schema.ts";

const dir = fileURLToPath(new URL("../json-schema/", import.meta.url));
mkdirSync(dir, { recursive: true });
const schemas = Object.entries(renderJsonSchemas());
for (const [name, text] of schemas) writeFileSync(dir + name, text);
console.log(`wrote ${schemas.length} schemas to ${dir}`);
