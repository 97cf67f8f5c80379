import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

const sources = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

describe("the domain stays pure", () => {
  it("depends on effect only", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }
    expect(Object.keys(pkg.dependencies)).toEqual(["effect"])
  })

  it("imports nothing but effect and its own files (no node: modules, no other package)", () => {
    const files = sources(join(root, "src"))
    expect(files.length).toBeGreaterThan(20)
    const offending = files.flatMap((file) =>
      Array.from(readFileSync(file, "utf8").matchAll(/(?:import|export)[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g))
        .map((m) => m[1] ?? m[2] ?? "")
        .filter((specifier) => !specifier.startsWith(".") && specifier !== "effect" && !specifier.startsWith("effect/"))
        .map((specifier) => `${file}: ${specifier}`)
    )
    expect(offending).toEqual([])
  })
})
