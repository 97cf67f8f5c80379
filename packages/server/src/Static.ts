import { DemoImages } from "@chatbot-node/adapters/catalog/demo"
import * as WidgetAssets from "@chatbot-node/widget/assets"
import type Koa from "koa"
import * as Assets from "./Assets.js"
import type { ServerSettings } from "./Config.js"

/** Serves the demo catalog's drawn product images, the widget (`/widget.js`) and the pages (`/`, the product-inquiry demo). */
export const middleware = (settings: ServerSettings): Koa.Middleware => {
  const assets = Assets.paths(settings)
  const pages = WidgetAssets.middleware({ pagesDir: assets.pagesDir, distDir: assets.widgetDir, build: assets.buildWidget })
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
