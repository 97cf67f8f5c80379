import { defineConfig } from "vitest/config"

// vitest 3.2 reads workspace projects from `test.projects`; `vitest.workspace.ts` is deprecated
// there and ignored by later versions. Each package has its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts"]
  }
})
