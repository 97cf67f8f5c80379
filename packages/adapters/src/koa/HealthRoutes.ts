import { Effect, Runtime } from "effect"
import type Koa from "koa"

/** How long a probe's answer is reused: a load balancer polling /health does not load the database. */
const probeTtlMs = 1000

/**
 * `GET /health` → `{status, database, uptime}`, 503 with `database: "disconnected"` when the probe
 * fails; as a middleware: answered after request ids and security headers but before CORS,
 * pages and routing, without a fiber per request (a load balancer polls it), from the cached probe; the probe runs through the
 * application's runtime only when its answer is older than a second.
 */
export const healthMiddleware = <R>(runtime: Runtime.Runtime<R>, probe: Effect.Effect<unknown, unknown, R>, startedAt: number): Koa.Middleware => {
  let last: { readonly connected: boolean; readonly at: number } | undefined
  let pending: Promise<boolean> | undefined
  const check = () =>
    pending ??= Runtime.runPromise(runtime)(probe.pipe(Effect.timeout("2 seconds"), Effect.match({ onFailure: () => false, onSuccess: () => true })))
      .catch(() => false)
      .then((connected) => {
        last = { connected, at: Date.now() }
        pending = undefined
        return connected
      })
  return async (ctx, next) => {
    if (ctx.path !== "/health" || (ctx.method !== "GET" && ctx.method !== "HEAD")) return next()
    ;(ctx as Koa.Context & { _matchedRoute?: string })._matchedRoute = "/health"
    const connected = last !== undefined && Date.now() - last.at < probeTtlMs ? last.connected : await check()
    ctx.status = connected ? 200 : 503
    ctx.res.setHeader("Cache-Control", "no-store")
    // A JSON string with its type set: an object body costs Koa a MIME lookup and instanceof checks against fetch's classes on every poll.
    ctx.res.setHeader("Content-Type", "application/json; charset=utf-8")
    ctx.body = JSON.stringify({
      status: connected ? "ok" : "degraded",
      database: connected ? "connected" : "disconnected",
      uptime: Math.round((Date.now() - startedAt) / 10) / 100
    })
  }
}
