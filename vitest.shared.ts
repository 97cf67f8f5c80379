import { defineConfig } from "vitest/config"

/** Settings every package's vitest project shares: resolve workspace packages to their sources. */
export const shared = defineConfig({
  resolve: { conditions: ["source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["source", "node", "import", "default"], externalConditions: ["source"] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ["test/**/*.test.ts"]
  }
})
