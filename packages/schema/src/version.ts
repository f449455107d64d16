/**
 * The program's name and version: written into every `summary.json`, printed by
 * `iddio-compliance --version` and reported by the server plugin. The packages of the fixed release
 * group share one version; a test keeps this equal to each of their `package.json` files.
 */
export const GENERATOR = { name: "iddio-compliance", version: "0.1.0" } as const;
