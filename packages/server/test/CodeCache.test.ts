import { describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll } from "vitest"
import * as CodeCache from "../src/CodeCache.js"

const dir = mkdtempSync(join(tmpdir(), "chatbot-code-cache-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const codeCacheModule = fileURLToPath(new URL("../src/CodeCache.ts", import.meta.url))

/** A script like the bundle: one function expression, with enough code for V8 to cache. */
const source = (factor: number) => `(function (n) {
  const table = Array.from({ length: 64 }, (_, i) => i * ${factor})
  function sum(xs) { let s = 0; for (const x of xs) s += x; return s }
  return sum(table) + n
})`
const expected = (factor: number) => 2016 * factor + 1
const run = (compiled: CodeCache.Compiled) => (compiled.script.runInThisContext() as (n: number) => number)(1)

/** Compiles in a new process, as a start does (in this one V8 would reuse what it compiled before). */
const compileAnew = (file: string, cache: string): { state: CodeCache.CacheState; result: number } => {
  const program = `import * as CodeCache from ${JSON.stringify(codeCacheModule)}
const compiled = CodeCache.compile(${JSON.stringify(file)}, ${JSON.stringify(cache)})
console.log(JSON.stringify({ state: compiled.state, result: compiled.script.runInThisContext()(1) }))`
  const env: Record<string, string | undefined> = { ...process.env }
  delete env.NODE_OPTIONS
  return JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", program], { env }).toString())
}

describe("CodeCache: a script compiled with a V8 code cache kept beside it", () => {
  it("compiles without a cache, writes one, and the next start uses it", () => {
    const file = join(dir, "a.js")
    const cache = `${file}.cache`
    writeFileSync(file, source(2))
    const first = CodeCache.compile(file, cache)
    expect(first.state).toBe("absent")
    expect(run(first)).toBe(expected(2))
    expect(first.save()).toBe(true)
    expect(compileAnew(file, cache)).toEqual({ state: "accepted", result: expected(2) })
  })

  it("ignores a cache made for other source, even of the same length (V8 alone would take it)", () => {
    const file = join(dir, "b.js")
    const cache = `${file}.cache`
    writeFileSync(file, source(3))
    CodeCache.compile(file, cache).save()
    writeFileSync(file, source(4))
    expect(compileAnew(file, cache)).toEqual({ state: "stale", result: expected(4) })
  })

  it("compiles from source when V8 rejects the cached data", () => {
    const file = join(dir, "c.js")
    const cache = `${file}.cache`
    writeFileSync(file, source(5))
    CodeCache.compile(file, cache).save()
    const raw = readFileSync(cache)
    // Keep the source's digest (the first 32 bytes), damage the header of V8's part.
    raw.fill(0x5a, 32, 96)
    writeFileSync(cache, raw)
    expect(compileAnew(file, cache)).toEqual({ state: "rejected", result: expected(5) })
  })

  it("reports a cache it cannot write, and the script still runs", () => {
    const file = join(dir, "d.js")
    writeFileSync(file, source(6))
    const compiled = CodeCache.compile(file, join(dir, "no-such-folder", "d.js.cache"))
    expect(compiled.save()).toBe(false)
    expect(run(compiled)).toBe(expected(6))
  })
})
