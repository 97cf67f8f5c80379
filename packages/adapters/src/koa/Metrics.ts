import { BotGateway, Errors } from "@chatbot-node/domain"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import type Koa from "koa"
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client"

/** The server's Prometheus metrics (prom-client), in a registry of their own. */
export class Metrics extends Context.Tag("@chatbot-node/adapters/Metrics")<Metrics, {
  readonly registry: Registry
  readonly requests: Counter<"method" | "route" | "status">
  readonly errors: Counter<"route" | "code">
  readonly activeStreams: Gauge
  readonly timeToFirstToken: Histogram
  readonly upstreamErrors: Counter<"reason" | "code">
  /** Names where the active-replies gauge reads from at each scrape. */
  readonly setActiveReplies: (read: () => Promise<number>) => void
}>() {}

/** Builds the metrics; the active-replies gauge reads 0 until `setActiveReplies` names its source. */
export const make = (): Context.Tag.Service<Metrics> => {
  let activeTurns = () => Promise.resolve(0)
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: "chatbot_" })
  return {
    registry,
    requests: new Counter({ name: "chatbot_http_requests_total", help: "HTTP requests by method, route and status.", labelNames: ["method", "route", "status"], registers: [registry] }),
    errors: new Counter({ name: "chatbot_http_errors_total", help: "HTTP error responses (4xx, 5xx) by route and error code.", labelNames: ["route", "code"], registers: [registry] }),
    activeStreams: new Gauge({
      name: "chatbot_active_replies",
      help: "Replies being produced now (streamed to a client or not).",
      registers: [registry],
      async collect() {
        this.set(await activeTurns().catch(() => 0))
      }
    }),
    timeToFirstToken: new Histogram({
      name: "chatbot_time_to_first_token_seconds",
      help: "From asking the bot platform to its first text fragment.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers: [registry]
    }),
    upstreamErrors: new Counter({ name: "chatbot_upstream_errors_total", help: "Bot platform failures by reason and vendor code.", labelNames: ["reason", "code"], registers: [registry] }),
    setActiveReplies: (read) => {
      activeTurns = read
    }
  }
}

/** The metrics as a layer (one registry per layer build). */
export const layer: Layer.Layer<Metrics> = Layer.sync(Metrics, make)

const countFailure = (metrics: Context.Tag.Service<Metrics>) => (e: Errors.BotGatewayError) =>
  Effect.sync(() => metrics.upstreamErrors.inc({ reason: e.reason, code: e.code === undefined ? "" : String(e.code) }))

/** Wraps a BotGateway to time its first text fragment and count its failures by reason and code. */
export const meterBotGateway: Layer.Layer<BotGateway, never, BotGateway | Metrics> = Layer.effect(
  BotGateway,
  Effect.gen(function*() {
    const inner = yield* BotGateway
    const metrics = yield* Metrics
    const count = countFailure(metrics)
    // A call's failure may be its sink's (the caller's): a nested call's failure passed on is counted once.
    const counted = new WeakSet<Errors.BotGatewayError>()
    const countOwn = (e: unknown) =>
      e instanceof Errors.BotGatewayError && !counted.has(e) ? Effect.zipRight(Effect.sync(() => counted.add(e)), count(e)) : Effect.void
    return {
      ...inner,
      run: (turn, onEvents) =>
        Effect.suspend(() => {
          const started = performance.now()
          let first = true
          return inner.run(turn, (events) => {
            if (first && events.some((event) => event._tag === "TextDelta")) {
              first = false
              metrics.timeToFirstToken.observe((performance.now() - started) / 1000)
            }
            return onEvents(events)
          }).pipe(Effect.tapError(countOwn))
        }),
      submitToolOutputs: (outputs, onEvents) => inner.submitToolOutputs(outputs, onEvents).pipe(Effect.tapError(countOwn)),
      cancel: (a, b) => inner.cancel(a, b).pipe(Effect.tapError(count)),
      listBots: inner.listBots.pipe(Effect.tapError(count)),
      createBot: (bot) => inner.createBot(bot).pipe(Effect.tapError(count))
    } satisfies BotGateway.Service
  })
)

/** Counts every response by method, matched route (not the raw path) and status; errors by code. */
export const requestCounter = (metrics: Context.Tag.Service<Metrics>): Koa.Middleware => {
  // One child counter per method, route and status (few), so that a request does not hash its labels.
  const children = new Map<string, { inc: () => void }>()
  const requests = (method: string, route: string, status: number) => {
    const key = `${method} ${status} ${route}`
    let child = children.get(key)
    if (child === undefined) {
      child = metrics.requests.labels({ method, route, status: String(status) })
      children.set(key, child)
    }
    return child
  }
  return async (ctx, next) => {
    const count = () => {
      const route = (ctx as Koa.Context & { _matchedRoute?: string })._matchedRoute ?? (ctx.status === 404 ? "unmatched" : "other")
      const status = ctx.res.statusCode
      requests(ctx.method, String(route), status).inc()
      if (status >= 400) {
        const code = (ctx.body as { error?: { code?: unknown } } | undefined)?.error?.code
        metrics.errors.inc({ route: String(route), code: typeof code === "string" ? code : String(status) })
      }
    }
    ctx.res.once("close", count)
    await next()
  }
}

/** `GET /metrics` in the Prometheus text format; with a token set, only for `Authorization: Bearer <token>`. */
export const metricsEndpoint = (metrics: Context.Tag.Service<Metrics>, token: Option.Option<Redacted.Redacted<string>>): Koa.Middleware => async (ctx, next) => {
  if (ctx.path !== "/metrics" || (ctx.method !== "GET" && ctx.method !== "HEAD")) return next()
  if (Option.isSome(token)) {
    const given = /^Bearer\s+(\S+)$/i.exec(ctx.get("authorization"))?.[1] ?? ""
    const expected = Redacted.value(token.value)
    const { timingSafeEqual, createHash } = await import("node:crypto")
    const digest = (s: string) => createHash("sha256").update(s).digest()
    if (!timingSafeEqual(digest(given), digest(expected))) {
      ctx.status = 401
      ctx.set("WWW-Authenticate", "Bearer")
      ctx.body = { error: { code: "unauthorized", message: "A metrics token is required." } }
      return
    }
  }
  ctx.set("Content-Type", metrics.registry.contentType)
  ctx.set("Cache-Control", "no-store")
  ctx.body = await metrics.registry.metrics()
}
