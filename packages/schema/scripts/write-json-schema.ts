// Writes one JSON Schema per evidence file into json-schema/. Run: pnpm --filter @iddio-compliance/schema json-schema
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderJsonSchemas } from "../src/json-schema.ts";

const dir = fileURLToPath(new URL("../json-schema/", import.meta.url));
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(renderJsonSchemas())) writeFileSync(dir + name, text);
console.log(`wrote ${Object.keys(renderJsonSchemas()).length} schemas to ${dir}`);
