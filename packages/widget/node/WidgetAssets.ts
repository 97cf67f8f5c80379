import { readFile, readdir } from "node:fs/promises"
import { extname, join } from "node:path"
import type Koa from "koa"
import { buildWidget, defaultOutDir, isStale, outputs } from "./build.js"

/** Where the widget's files and the pages come from. */
export interface WidgetAssetsOptions {
  /** A folder of pages and files served at `/<name>` (`index.html` at `/`). */
  readonly pagesDir: string
  /** The built widget (default: the widget package's dist). */
  readonly distDir?: string | undefined
  /** Build the widget when dist is missing or older than its sources (default: true). */
  readonly build?: boolean | undefined
}

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon"
}

interface Asset {
  readonly body: Buffer
  readonly type: string
  readonly cors: boolean
}

const readFolder = async (dir: string, into: Map<string, Asset>) => {
  const entries = await readdir(dir).catch(() => [] as Array<string>)
  for (const name of entries) {
    const type = types[extname(name)]
    if (type === undefined || !/^[a-z0-9][a-z0-9._-]*$/i.test(name)) continue
    into.set(name === "index.html" ? "/" : `/${name}`, { body: await readFile(join(dir, name)), type, cors: false })
  }
}

/**
 * Serves the embeddable widget (`/widget.js`, `/widget-panel.js`: any site may load them) and the
 * pages (`/`, `/product-inquiry-demo.html`, their stylesheet and script). The widget is built at
 * start when its dist is missing or stale; files are read once and kept in memory.
 */
export const middleware = (options: WidgetAssetsOptions): Koa.Middleware => {
  const distDir = options.distDir ?? defaultOutDir
  const loaded = (async () => {
    if (options.build !== false && (await isStale(distDir))) {
      await buildWidget(distDir).catch((error: unknown) => console.error("the widget could not be built (npm run build:widget):", error))
    }
    const assets = new Map<string, Asset>()
    await readFolder(options.pagesDir, assets)
    for (const file of outputs) {
      const body = await readFile(join(distDir, file)).catch(() => undefined)
      if (body !== undefined) assets.set(`/${file}`, { body, type: types[".js"]!, cors: true })
    }
    return assets
  })()
  return async (ctx, next) => {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return next()
    const assets = await loaded
    const asset = assets.get(ctx.path)
    if (asset === undefined) return next()
    ctx.type = asset.type
    ctx.set("Cache-Control", asset.cors ? "public, max-age=300" : "no-cache")
    if (asset.cors) {
      ctx.set("Access-Control-Allow-Origin", "*")
      ctx.set("Cross-Origin-Resource-Policy", "cross-origin")
    }
    ctx.set("X-Content-Type-Options", "nosniff")
    ctx.body = asset.body
  }
}
