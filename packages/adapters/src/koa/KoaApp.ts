import Router from "@koa/router"
import type { Effect, Runtime } from "effect"
import Koa from "koa"
import { addAuthRoutes, type AuthRoutesR } from "./AuthRoutes.js"
import { addBotRoutes, type BotRoutesR } from "./BotRoutes.js"
import { addCatalogRoutes } from "./CatalogRoutes.js"
import { addChatRoutes, type ChatRoutesR } from "./ChatRoutes.js"
import * as KnownOrigins from "./KnownOrigins.js"
import * as RequestId from "./RequestId.js"
import { run, type Handler } from "./Handler.js"
import { healthMiddleware } from "./HealthRoutes.js"
import type { Metrics } from "./Metrics.js"
import { metricsEndpoint, requestCounter } from "./Metrics.js"
import type { OriginPolicy } from "./OriginPolicy.js"
import { defaultLimitBytes } from "./RequestBody.js"
import { corsMiddleware, headersMiddleware } from "./Security.js"
import { addStaffRoutes, type StaffRoutesR } from "./StaffRoutes.js"
import { addVisitorRoutes, type VisitorRoutesR } from "./VisitorRoutes.js"
import { addVisitorEventsRoutes, type VisitorEventsR } from "./VisitorEventsRoute.js"
import type { Duration, Option, Redacted } from "effect"

/** What the API needs from the application's layers. */
export type ApiR = ChatRoutesR | VisitorRoutesR | AuthRoutesR | StaffRoutesR | BotRoutesR | VisitorEventsR | OriginPolicy

/** How to build the Koa app of the API. */
export interface ApiOptions<R extends ApiR> {
  /** The application's runtime: every handler runs through it. */
  readonly runtime: Runtime.Runtime<R>
  /** Answers when the database is reachable (`/health`). */
  readonly healthProbe: Effect.Effect<unknown, unknown, R>
  readonly startedAt: number
  readonly bodyLimitBytes?: number | undefined
  readonly heartbeat?: Duration.DurationInput | undefined
  /** Trust `X-Forwarded-*` (behind Fly's or another proxy). */
  readonly proxy?: boolean | undefined
  /** More routes (pages, static files) the server adds, run before the API. */
  readonly extra?: ReadonlyArray<Koa.Middleware> | undefined
  /** Prometheus metrics at `/metrics` (behind the token when one is given). */
  readonly metrics?: { readonly service: Metrics["Type"]; readonly token: Option.Option<Redacted.Redacted<string>> } | undefined
  /** HSTS and other production-only headers. */
  readonly production?: boolean | undefined
}

const messages: Record<number, string> = {
  404: "Not found.",
  405: "Method not allowed.",
  413: "The request is too large.",
  501: "Not implemented."
}

/** Turns any unhandled throw into a JSON 500 without details, and any empty 4xx into a JSON error. */
const jsonErrors: Koa.Middleware = async (ctx, next) => {
  try {
    await next()
  } catch (error) {
    const status = typeof (error as { status?: unknown }).status === "number" ? (error as { status: number }).status : 500
    ctx.app.emit("error", error, ctx)
    if (ctx.headerSent || ctx.respond === false) return
    ctx.status = status >= 400 && status < 500 ? status : 500
    ctx.body = { error: { code: ctx.status === 500 ? "internal" : "bad_request", message: messages[ctx.status] ?? "Something went wrong. Please try again." } }
    return
  }
  if (ctx.respond !== false && ctx.status >= 400 && (ctx.body === undefined || ctx.body === null)) {
    const status = ctx.status
    ctx.body = { error: { code: status === 404 ? "not_found" : status === 405 ? "method_not_allowed" : "bad_request", message: messages[status] ?? "Bad request." } }
    ctx.status = status
  }
}

/**
 * The HTTP API on Koa 3 + @koa/router: the seed's chat routes (JSON and SSE), visitor sessions and
 * conversation reading, `/health`. Handlers run through the given runtime.
 */
export const makeApp = <R extends ApiR>(options: ApiOptions<R>): Koa => {
  const app = new Koa({ proxy: options.proxy ?? false })
  app.silent = true
  const wrap = run(options.runtime) as <H>(h: Handler<H>) => Koa.Middleware
  const limit = options.bodyLimitBytes ?? defaultLimitBytes
  const router = new Router()
  addChatRoutes(router, wrap, { bodyLimitBytes: limit, heartbeat: options.heartbeat })
  addVisitorRoutes(router, wrap, limit)
  addVisitorEventsRoutes(router, wrap, options.heartbeat)
  addAuthRoutes(router, wrap, limit)
  addStaffRoutes(router, wrap)
  addBotRoutes(router, wrap, limit)
  addCatalogRoutes(router, wrap, limit)
  if (options.metrics !== undefined) app.use(requestCounter(options.metrics.service))
  app.use(RequestId.middleware)
  app.use(jsonErrors)
  if (options.metrics !== undefined) app.use(metricsEndpoint(options.metrics.service, options.metrics.token))
  const origins = KnownOrigins.make(options.runtime as Runtime.Runtime<OriginPolicy>)
  app.use(headersMiddleware(origins, { production: options.production ?? false }))
  app.use(healthMiddleware(options.runtime, options.healthProbe, options.startedAt))
  app.use(corsMiddleware(origins))
  for (const middleware of options.extra ?? []) app.use(middleware)
  app.use(router.routes())
  app.use(router.allowedMethods())
  return app
}
