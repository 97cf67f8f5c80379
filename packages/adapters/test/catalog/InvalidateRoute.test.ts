import { CatalogInvalidation } from "@chatbot-node/adapters/catalog/evershop"
import { describe, expect, it } from "@effect/vitest"
import Router from "@koa/router"
import { Effect, Layer, ManagedRuntime, Option, Redacted } from "effect"
import Koa from "koa"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { addCatalogRoutes, type ChangeNoticeBody } from "../../src/koa/CatalogRoutes.js"
import { run } from "../../src/koa/Handler.js"

/** A Koa app carrying only the invalidation route, on a real port, with the given service (or none). */
const serve = (service: Layer.Layer<never> | Layer.Layer<CatalogInvalidation.CatalogInvalidation>) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const runtime = await ManagedRuntime.make(service as Layer.Layer<never>).runtime()
      const app = new Koa()
      const router = new Router()
      addCatalogRoutes(router, run(runtime), 64 * 1024)
      app.use(router.routes())
      const server = createServer(app.callback())
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
      return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/catalog/invalidate` }
    }),
    ({ server }) => Effect.promise(() => new Promise<void>((r) => server.close(() => r())))
  )

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  Effect.promise(async () => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })
    return { status: res.status, body: (await res.json()) as unknown }
  })

describe("POST /api/catalog/invalidate", () => {
  it.live("drops the cache with the shared secret; refuses a missing or wrong secret and a bad body", () =>
    Effect.scoped(Effect.gen(function*() {
      const notices: Array<typeof ChangeNoticeBody.Type> = []
      const layer = Layer.succeed(CatalogInvalidation.CatalogInvalidation, {
        secret: Option.some(Redacted.make("the-shared-secret")),
        invalidate: (n) => Effect.sync(() => { notices.push(n as typeof ChangeNoticeBody.Type); return 7 })
      })
      const { url } = yield* serve(layer)
      const notice = { event: "product_updated", skus: ["CUP-001-WHT"], productIds: [1] }
      expect((yield* post(url, notice)).status).toBe(401)
      expect((yield* post(url, notice, { authorization: "Bearer wrong" })).status).toBe(401)
      expect((yield* post(url, { skus: [] }, { authorization: "Bearer the-shared-secret" })).status).toBe(400)
      expect(notices).toEqual([])
      expect(yield* post(url, notice, { authorization: "Bearer the-shared-secret" })).toEqual({ status: 200, body: { ok: true, dropped: 7 } })
      expect((yield* post(url, { event: "inventory_updated" }, { "x-chatbot-secret": "the-shared-secret" })).status).toBe(200)
      expect(notices).toEqual([
        { event: "product_updated", skus: ["CUP-001-WHT"], productIds: ["1"] },
        { event: "inventory_updated", skus: [], productIds: [] }
      ])
    })))

  it.live("is not found when the catalog has no cache or no secret", () =>
    Effect.scoped(Effect.gen(function*() {
      const none = yield* serve(Layer.empty)
      expect((yield* post(none.url, { event: "product_updated" }, { authorization: "Bearer x" })).status).toBe(404)
      const disabled = yield* serve(CatalogInvalidation.disabled)
      expect((yield* post(disabled.url, { event: "product_updated" }, { authorization: "Bearer x" })).status).toBe(404)
    })))
})
