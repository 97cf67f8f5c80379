import { Handoff, type Chat, type ConversationStore, type History, type RealtimeHub, type ShopDirectory } from "@chatbot-node/domain"
import type { AdminTokens, RateLimiter, VisitorTokens } from "@chatbot-node/adapters/koa"
import { MemoryRealtimeHub } from "@chatbot-node/adapters/memory"
import { PgRealtimeHub, RedisRealtimeHub } from "@chatbot-node/adapters/realtime"
import { SocketServer } from "@chatbot-node/adapters/socketio"
import { Config, Effect, Layer, Option } from "effect"
import { readFileSync } from "node:fs"
import type { Server as HttpServer } from "node:http"
import type Koa from "koa"
import { join } from "node:path"
import * as Assets from "./Assets.js"
import { ServerConfig, type ServerSettings } from "./Config.js"

/** What Socket.io's handlers need from the application's layers. */
export type RealtimeR =
  | ServerConfig
  | Chat
  | ConversationStore
  | History
  | ShopDirectory
  | RealtimeHub
  | VisitorTokens.VisitorTokens
  | AdminTokens.AdminTokens
  | RateLimiter.RateLimiter

/**
 * The RealtimeHub: with REDIS_URL, Redis pub/sub; else on PostgreSQL (DATABASE_URL) the
 * LISTEN/NOTIFY hub, so that every instance sees every conversation's events; else (the embedded
 * PGlite, one instance) in memory. All of an instance's realtime traffic to the others (typing
 * included) goes this one way.
 */
export const HubLive: Layer.Layer<RealtimeHub, never, ServerConfig> = Layer.unwrapEffect(
  Effect.map(ServerConfig, (s) =>
    Option.isSome(s.redisUrl)
      ? RedisRealtimeHub.layer({ url: s.redisUrl.value })
      : Option.match(s.databaseUrl, {
        onNone: () => MemoryRealtimeHub.layer,
        onSome: (url) => PgRealtimeHub.layer({ url })
      }))
)

const socketSettings = Config.all({
  pingIntervalMs: Config.integer("SOCKET_PING_INTERVAL_MS").pipe(Config.withDefault(25_000)),
  pingTimeoutMs: Config.integer("SOCKET_PING_TIMEOUT_MS").pipe(Config.withDefault(20_000)),
  maxBytes: Config.integer("SOCKET_MAX_BYTES").pipe(Config.withDefault(16 * 1024)),
  burst: Config.integer("SOCKET_RATE_BURST").pipe(Config.withDefault(20)),
  perSecond: Config.number("SOCKET_RATE_PER_SECOND").pipe(Config.withDefault(5))
})

/**
 * Socket.io on the server's HTTP server, for as long as the scope lasts: `/visitor` and `/agent`
 * (their live events come from the `RealtimeHub`, which instances share). Put it in the scope after
 * the HTTP server's own finalizer, so that sockets are told to go before the server waits for its
 * connections to end.
 */
export const attach = (http: HttpServer) =>
  Effect.gen(function*() {
    const settings = yield* ServerConfig
    const socket = yield* Effect.orDie(socketSettings)
    const runtime = yield* Effect.runtime<RealtimeR | Handoff>().pipe(Effect.provide(Handoff.Default))
    yield* SocketServer.make(http, runtime, {
      ownOrigin: new URL(settings.publicUrl).origin,
      openWhenUnconfigured: settings.nodeEnv !== "production",
      pingInterval: socket.pingIntervalMs,
      pingTimeout: socket.pingTimeoutMs,
      maxHttpBufferSize: socket.maxBytes,
      rate: { capacity: socket.burst, perSecond: socket.perSecond }
    })
  })

/** Serves the agent inbox at `/admin` (a page, a script and a style sheet; no build step). */
export const adminPages = (settings: Pick<ServerSettings, "assetsDir"> = {}): Koa.Middleware => {
  const dir = Assets.paths(settings).adminDir
  const asset = (name: string) => readFileSync(join(dir, name), "utf8")
  const files: Record<string, { type: string; body: string }> = {
    "/admin": { type: "text/html; charset=utf-8", body: asset("index.html") },
    "/admin/": { type: "text/html; charset=utf-8", body: asset("index.html") },
    "/admin/admin.js": { type: "text/javascript; charset=utf-8", body: asset("admin.js") },
    "/admin/admin.css": { type: "text/css; charset=utf-8", body: asset("admin.css") }
  }
  return async (ctx, next) => {
    const file = ctx.method === "GET" || ctx.method === "HEAD" ? files[ctx.path] : undefined
    if (file === undefined) return next()
    ctx.type = file.type
    ctx.set("Cache-Control", "no-cache")
    ctx.set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'")
    ctx.body = file.body
  }
}
