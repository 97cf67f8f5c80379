import type Router from "@koa/router"
import { Effect } from "effect"
import type Koa from "koa"
import type { Handler } from "./Handler.js"

/** `GET /health`: `{status, database, uptime}`; 503 with `database: "disconnected"` when the probe fails. */
export const health = <R>(probe: Effect.Effect<unknown, unknown, R>, startedAt: number): Handler<R> => (ctx) =>
  probe.pipe(
    Effect.timeout("2 seconds"),
    Effect.match({ onFailure: () => false, onSuccess: () => true }),
    Effect.map((connected) => {
      ctx.status = connected ? 200 : 503
      ctx.set("Cache-Control", "no-store")
      ctx.body = {
        status: connected ? "ok" : "degraded",
        database: connected ? "connected" : "disconnected",
        uptime: Math.round((Date.now() - startedAt) / 10) / 100
      }
    })
  )

/** Adds `/health` to a router. */
export const addHealthRoute = <R>(router: Router, wrap: (h: Handler<R>) => Koa.Middleware, probe: Effect.Effect<unknown, unknown, R>, startedAt: number) =>
  router.get("/health", wrap(health(probe, startedAt)))
