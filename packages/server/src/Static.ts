import { DemoImages } from "@chatbot-node/adapters/catalog/demo"
import type Koa from "koa"
import type { ServerSettings } from "./Config.js"

const page = (settings: ServerSettings) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Chatbot-Node</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#222}code,pre{background:#f3f3f3;border-radius:4px}pre{padding:.75rem;overflow:auto}</style>
</head><body>
<h1>Chatbot-Node</h1>
<p>An open-source AI customer-service chat for online shops: questions in Chinese, English or Spanish,
answers streamed word by word, product cards from the shop's catalog, conversations kept on the server.</p>
<p>This server answers with <strong>${settings.bot._tag === "Demo" ? "the offline demo bot (a sample catalog, no AI service)" : "Coze"}</strong>.</p>
<h2>Try it</h2>
<pre>curl -N ${settings.publicUrl}/api/coze/chat/stream \\
  -d '{"shopId":"123","userId":"user-001","message":"Do you have running shoes?"}'</pre>
<ul>
<li><a href="/health">/health</a></li>
<li>API reference: <code>docs/api.md</code> in the repository</li>
</ul>
</body></html>`

/** Serves `/` (what this is, how to try it) and the demo catalog's drawn product images. */
export const middleware = (settings: ServerSettings): Koa.Middleware => {
  const home = page(settings)
  return async (ctx, next) => {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return next()
    if (ctx.path === "/") {
      ctx.type = "text/html; charset=utf-8"
      ctx.body = home
      return
    }
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
    return next()
  }
}
