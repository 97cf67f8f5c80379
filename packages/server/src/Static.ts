import { DemoImages } from "@chatbot-node/adapters/catalog/demo"
import * as WidgetAssets from "@chatbot-node/widget/assets"
import type Koa from "koa"
import { fileURLToPath } from "node:url"
import type { ServerSettings } from "./Config.js"

/** Serves the demo catalog's drawn product images, the widget (`/widget.js`) and the pages (`/`, the product-inquiry demo). */
export const middleware = (_settings: ServerSettings): Koa.Middleware => {
  const pages = WidgetAssets.middleware({ pagesDir: fileURLToPath(new URL("../static", import.meta.url)) })
  return async (ctx, next) => {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return next()
    const image = /^\/demo\/images\/([a-z0-9-]{1,40})\.svg$/.exec(ctx.path)
    if (image !== null) {
      const svg = DemoImages.imageSvg(image[1]!)
      if (svg === undefined) return next()
      ctx.type = "image/svg+xml"
      ctx.set("Cache-Control", "public, max-age=86400")
      ctx.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
      ctx.body = svg
      return
    }
    return pages(ctx, next)
  }
}
