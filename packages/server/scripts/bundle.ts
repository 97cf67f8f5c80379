/**
 * Bundles the production server (esbuild, platform node) and copies what it serves beside it:
 * - `dist/server.bundle.js`: the server (src/main.ts and every dependency but `externals`) as one
 *   CommonJS function, minified (whitespace and syntax; names kept for stack traces), with its map;
 * - `dist/server.mjs`: the entry (src/startBundle.ts), which compiles that function with the V8
 *   code cache `dist/server.bundle.js.cache` and runs it;
 * - `dist/server.bundle.js.cache`: written by a warm-up start of the bundle on PGlite in a temporary
 *   folder (until its first /health), so that a start parses and compiles little (Node 20 has no
 *   compile cache of its own). Without it, or when this Node rejects it, the server compiles from
 *   source and writes a cache once started if it may;
 * - `dist/assets/static` (the pages and the admin inbox) and `dist/assets/widget` (the built widget),
 *   found through `CHATBOT_ASSETS_DIR`, which the bundle defaults to its own `assets` folder.
 * Run after the widget's build.
 */
import { build, type Plugin } from "esbuild"
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { cp, mkdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
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
 * Bundled for Node only: pg asks at load whether it runs in a Cloudflare Worker by constructing a
 * `Response`, which loads Node's fetch (undici, ~50 ms of a start); the answer is no.
 */
const nodeOnly: Plugin = {
  name: "node-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8")
      return { contents: source.replace("function isCloudflareRuntime() {", "function isCloudflareRuntime() {\n  return false"), loader: "js" }
    })
  }
}

/** The CommonJS bundle wrapped as one function expression, which src/startBundle.ts compiles and calls with these variables. */
const wrapperParameters = "exports, require, module, __filename, __dirname, __chatbotImportMetaUrl, __chatbotListening"

/** Starts the bundle once on PGlite in a temporary folder, which writes its code cache after its first /health and stops; false when it could not. */
const warmUp = (outDir: string): Promise<boolean> => {
  const dataDir = mkdtempSync(join(tmpdir(), "chatbot-warm-up-"))
  const env: Record<string, string | undefined> = { ...process.env }
  for (const name of ["DATABASE_URL", "REDIS_URL", "CHATBOT_ASSETS_DIR", "NODE_OPTIONS", "COZE_BOT_ID", "COZE_API_TOKEN", "COZE_CLIENT_ID", "EVERSHOP_URL", "ADMIN_EMAIL", "ADMIN_PASSWORD"]) delete env[name]
  const child = spawn(process.execPath, [join(outDir, "server.mjs")], {
    cwd: dataDir,
    env: { ...env, CHATBOT_CODE_CACHE: "write", NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, JWT_SECRET: randomBytes(32).toString("base64url") },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout.on("data", (b: Buffer) => { output += b.toString() })
  child.stderr.on("data", (b: Buffer) => { output += b.toString() })
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
  return new Promise<boolean>((resolve) => {
    child.once("close", (code) => {
      clearTimeout(timer)
      rmSync(dataDir, { recursive: true, force: true })
      const written = code === 0 && output.includes("code cache written")
      if (!written) console.warn(`the bundle's warm-up start wrote no code cache (the server will compile from source): exit ${code}\n${output.slice(-2000)}`)
      resolve(written)
    })
  })
}

/**
 * Writes `<outDir>/server.mjs`, `<outDir>/server.bundle.js` (with its map and code cache) and
 * `<outDir>/assets`. The folder must sit under the checkout (or an install) so that the external
 * packages resolve from its node_modules.
 */
export const bundle = async (outDir: string = defaultOutDir, options: { readonly codeCache?: boolean } = {}): Promise<void> => {
  const assetsDir = join(outDir, "assets")
  // The cache of an earlier bundle (and the map of the ESM bundle this one replaced) must not outlive it.
  for (const old of ["server.bundle.js.cache", "server.mjs.map"]) await rm(join(outDir, old), { force: true })
  await build({
    entryPoints: [join(serverDir, "src/main.ts")],
    outfile: join(outDir, "server.bundle.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    conditions: ["source"],
    external: externals,
    alias: Object.fromEntries(Object.entries(dedupe(join(serverDir, "../.."))).filter(([, path]) => existsSync(path))),
    define: { __CHATBOT_BUNDLE__: "true", "import.meta.url": "__chatbotImportMetaUrl" },
    // A classic script compiled through vm.Script has no import(): external packages are required (PGlite has a CommonJS build).
    supported: { "dynamic-import": false },
    plugins: [nodeOnly],
    banner: { js: `(function (${wrapperParameters}) {` },
    footer: { js: "})" },
    legalComments: "none",
    logLevel: "warning"
  })
  await build({
    entryPoints: [join(serverDir, "src/startBundle.ts")],
    outfile: join(outDir, "server.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning"
  })
  await rm(assetsDir, { recursive: true, force: true })
  await mkdir(join(assetsDir, "widget"), { recursive: true })
  await cp(join(serverDir, "static"), join(assetsDir, "static"), { recursive: true })
  for (const file of ["widget.js", "widget-panel.js"]) await cp(join(widgetDist, file), join(assetsDir, "widget", file))
  if (options.codeCache !== false) await warmUp(outDir)
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundle()
  console.log(`bundled ${join(defaultOutDir, "server.mjs")} and its assets`)
}
