// Builds the extension's dist/ as EverShop loads it: API routes, subscribers and GraphQL resolvers
// bundled with the Chatbot-Node domain library (and effect) by esbuild, shared code in dist/lib;
// storefront components, route.json and .graphql files copied as they are.
import { build } from "esbuild"
import { cp, mkdir, readdir, rm } from "node:fs/promises"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = dirname(fileURLToPath(import.meta.url))
const src = join(root, "src")
const dist = join(root, "dist")

const walk = async (dir) =>
  (await Promise.all((await readdir(dir, { withFileTypes: true })).map((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)])))).flat()

const files = await walk(src)
const rel = (f) => relative(src, f)
const entries = files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !rel(f).startsWith("lib/"))
const assets = files.filter((f) => /\.(json|graphql)$/.test(f) || rel(f).startsWith("pages/"))

await rm(dist, { recursive: true, force: true })
await build({
  entryPoints: entries,
  outdir: dist,
  outbase: src,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  conditions: ["source"],
  chunkNames: "lib/chunks/[name]-[hash]",
  external: ["@evershop/*", "react", "react-dom"],
  legalComments: "none",
  minifySyntax: true,
  logLevel: "warning"
})
for (const file of assets) {
  await mkdir(dirname(join(dist, rel(file))), { recursive: true })
  await cp(file, join(dist, rel(file)))
}
console.log(`built ${entries.length} bundles and ${assets.length} assets into ${relative(process.cwd(), dist) || "dist"}`)
