/** The generator name and version written into every `summary.json` (kept equal to package.json by a test). */
export const GENERATOR = { name: "iddio-compliance", version: "0.1.0" } as const;
