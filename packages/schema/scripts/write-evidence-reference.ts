// Writes docs/evidence-reference.md from the evidence schemas. Run: pnpm --filter @iddio-compliance/schema evidence-reference
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderEvidenceReference } from "../src/evidence-reference.ts";

const path = fileURLToPath(new URL("../../../docs/evidence-reference.md", import.meta.url));
writeFileSync(path, renderEvidenceReference());
console.log(`wrote ${path}`);
