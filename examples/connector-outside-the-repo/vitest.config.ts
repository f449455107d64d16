import { defineConfig } from "vitest/config";

// Its own config, so vitest run here never picks up the config of a repository around it.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"] },
});
