import { mkdir, rename, rm, stat, readdir } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/** The widget package's folder (this file runs from `node/` as source, from `dist/node/` compiled). */
export const packageDir = fileURLToPath(new URL(/\/dist\/node\/[^/]+$/.test(import.meta.url) ? "../.." : "..", import.meta.url))
/** Where the built files go: widget.js (the loader) and widget-panel.js (the panel chunk). */
export const defaultOutDir = join(packageDir, "dist")
/** The files a build writes. */
export const outputs = ["widget.js", "widget-panel.js"] as const

/**
 * Builds the widget, minified: the loader as a classic script (it reads its own `<script>` tag)
 * and the panel as an ES module the loader imports on first open. Writes to a temporary folder
 * and renames, so a server reading the files never sees half a build. esbuild (a devDependency)
 * is loaded only here, so a server installed without devDependencies runs on a prebuilt dist.
 */
export const buildWidget = async (outDir: string = defaultOutDir): Promise<void> => {
  const { build } = await import("esbuild")
  const tmp = `${outDir}.tmp-${process.pid}-${Date.now()}`
  const common = { bundle: true, minify: true, target: "es2022", legalComments: "none", logLevel: "warning", charset: "utf8" } as const
  try {
    await build({ ...common, entryPoints: [join(packageDir, "src/loader.ts")], outfile: join(tmp, "widget.js"), format: "iife" })
    await build({ ...common, entryPoints: [join(packageDir, "src/widget.ts")], outfile: join(tmp, "widget-panel.js"), format: "esm" })
    await mkdir(outDir, { recursive: true })
    for (const file of outputs) await rename(join(tmp, file), join(outDir, file))
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

const newest = async (dir: string): Promise<number> => {
  let latest = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? await newest(path) : (await stat(path)).mtimeMs)
  }
  return latest
}

/** Whether the built files are missing or older than a source file (without sources, as installed for production, never stale once built). */
export const isStale = async (outDir: string = defaultOutDir): Promise<boolean> => {
  let built: number
  try {
    built = Math.min(...(await Promise.all(outputs.map(async (f) => (await stat(join(outDir, f))).mtimeMs))))
  } catch {
    return true
  }
  return built < (await newest(join(packageDir, "src")).catch(() => 0))
}

// Run as a script only: bundled into the server, import.meta.url is the bundle, which is also argv[1].
// No top-level await: the server's bundle is a CommonJS script (compiled with a V8 code cache).
if (process.argv[1] !== undefined && /build\.[jt]s$/.test(process.argv[1]) && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWidget().then(() => console.log(`widget built in ${defaultOutDir}`), (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
