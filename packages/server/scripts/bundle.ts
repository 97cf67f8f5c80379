/**
 * Bundles the production server into one file, `packages/server/dist/server.mjs` (esbuild, platform
 * node, ESM, sourcemap), and copies what it serves beside it: `dist/assets/static` (the pages and
 * the admin inbox) and `dist/assets/widget` (the built widget). The bundle finds them through
 * `CHATBOT_ASSETS_DIR`, which it defaults to its own `assets` folder. Run after the widget's build.
 */
import { build } from "esbuild"
import { existsSync } from "node:fs"
import { cp, mkdir, rm } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const serverDir = fileURLToPath(new URL("..", import.meta.url))
const widgetDist = join(serverDir, "../widget/dist")
/** The bundle's default folder: packages/server/dist. */
export const defaultOutDir = join(serverDir, "dist")

/**
 * Packages left to node_modules: PGlite loads its wasm and data files beside its own module, esbuild
 * (the widget's dev-time build, never reached from the bundle) is native, and the optional drivers
 * (ioredis, pg-native) are loaded only when configured.
 */
export const externals = ["@electric-sql/pglite", "esbuild", "ioredis", "pg-native"]

/**
 * One copy of packages npm installed twice (nested under koa, type-is, engine.io, socket.io-adapter):
 * the newest, same major. mime-db is data only; each copy is ~70 kB of object literal to parse at start.
 */
const dedupe = (root: string): Record<string, string> => ({
  "mime-db": join(root, "node_modules/koa/node_modules/mime-db"),
  ws: join(root, "node_modules/ws")
})

/**
 * Writes `<outDir>/server.mjs` (and its map) and `<outDir>/assets`. The folder must sit under the
 * checkout (or an install) so that the external packages resolve from its node_modules.
 */
export const bundle = async (outDir: string = defaultOutDir): Promise<void> => {
  const assetsDir = join(outDir, "assets")
  await build({
    entryPoints: [join(serverDir, "src/main.ts")],
    outfile: join(outDir, "server.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: false,
    sourcemap: true,
    conditions: ["source"],
    external: externals,
    alias: Object.fromEntries(Object.entries(dedupe(join(serverDir, "../.."))).filter(([, path]) => existsSync(path))),
    define: { __CHATBOT_BUNDLE__: "true" },
    // CommonJS packages inside an ESM bundle call require() for Node built-ins.
    banner: { js: "import { createRequire as __chatbotCreateRequire } from \"node:module\"; const require = __chatbotCreateRequire(import.meta.url);" },
    legalComments: "none",
    logLevel: "warning"
  })
  await rm(assetsDir, { recursive: true, force: true })
  await mkdir(join(assetsDir, "widget"), { recursive: true })
  await cp(join(serverDir, "static"), join(assetsDir, "static"), { recursive: true })
  for (const file of ["widget.js", "widget-panel.js"]) await cp(join(widgetDist, file), join(assetsDir, "widget", file))
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundle()
  console.log(`bundled ${join(defaultOutDir, "server.mjs")} and its assets`)
}
