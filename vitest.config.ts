import { defineConfig } from "vitest/config";

// Tests run straight from `src/` through the `dev-source` export condition: no build needed.
const conditions = ["dev-source", "node", "import", "default"];
// Vitest also hands `ssr.resolve.conditions` to the test processes as `node --conditions`, where
// "import" would make a CommonJS `require()` pick a package's ESM build (pg's `require("pg-pool")`
// then breaks); Vite adds import/require by itself, so the SSR list names only the custom ones.
const ssrConditions = ["dev-source", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: ssrConditions, externalConditions: ["dev-source"] } },
  test: {
    include: ["packages/**/src/**/*.test.ts", "apps/**/src/**/*.test.ts", "packages/**/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // The report page is built (bundled, inlined) before any test renders it.
    globalSetup: ["packages/report/scripts/vitest-global-setup.ts"],
  },
});
