import { Chat, ConversationStore, type Errors } from "@chatbot-node/domain"
import { KoaApp, Metrics } from "@chatbot-node/adapters/koa"
import { SqlClient } from "@effect/sql"
import { Context, Duration, Effect, Layer } from "effect"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { ServerConfig } from "./Config.js"
import * as Realtime from "./Realtime.js"
import * as Static from "./Static.js"

/** Where the server listens, once it does. */
export class HttpAddress extends Context.Tag("@chatbot-node/server/HttpAddress")<HttpAddress, { readonly port: number; readonly url: string }>() {}

/**
 * One node:http server carrying Koa (Socket.io will share it). Acquired as a scoped resource; on
 * release it stops accepting, lets running replies finish up to SHUTDOWN_GRACE, then closes every
 * connection (replies still running are then stored as interrupted when Chat's scope closes).
 */
export const layer: Layer.Layer<HttpAddress, Errors.StoreError, ServerConfig | Chat | ConversationStore | SqlClient.SqlClient | KoaApp.ApiR | Realtime.RealtimeR | Metrics.Metrics> = Layer.scoped(
  HttpAddress,
  Effect.gen(function*() {
    const settings = yield* ServerConfig
    const chat = yield* Chat
    const store = yield* ConversationStore
    const sql = yield* SqlClient.SqlClient
    const recovered = yield* store.interruptStreamingReplies
    if (recovered > 0) yield* Effect.logWarning(`${recovered} replies left streaming by the last run are now interrupted`)
    const runtime = yield* Effect.runtime<KoaApp.ApiR>()
    const metrics = yield* Metrics.Metrics
    metrics.setActiveReplies(() => Effect.runPromise(chat.activeTurns))
    const app = KoaApp.makeApp({
      runtime,
      healthProbe: sql`select 1`,
      startedAt: Date.now(),
      heartbeat: settings.heartbeat,
      proxy: settings.trustProxy,
      production: settings.nodeEnv === "production",
      metrics: { service: metrics, token: settings.metricsToken },
      extra: [Static.middleware(settings), Realtime.adminPages(settings)]
    })
    const server = createServer(app.callback())
    server.keepAliveTimeout = 65_000
    server.headersTimeout = 66_000
    yield* Effect.async<void, Error>((resume) => {
      const onError = (error: Error) => resume(Effect.fail(error))
      server.once("error", onError)
      server.listen(settings.port, settings.host, () => {
        server.off("error", onError)
        resume(Effect.void)
      })
    }).pipe(Effect.orDie)
    const port = (server.address() as AddressInfo).port
    // Attached first so that it is released last: the HTTP grace period below runs before Socket.io closes.
    yield* Realtime.attach(server)
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        const closed = Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
        })
        const closing = yield* Effect.fork(closed)
        server.closeIdleConnections()
        const running = yield* chat.activeTurns
        if (running > 0) yield* Effect.logInfo(`shutting down: waiting up to ${Duration.format(settings.shutdownGrace)} for ${running} replies`)
        // A finalizer runs uninterruptibly: the wait must be made interruptible for the timeout to end it.
        yield* chat.awaitIdle.pipe(Effect.interruptible, Effect.timeout(settings.shutdownGrace), Effect.ignore)
        server.closeAllConnections()
        yield* closing.await
      })
    )
    const host = settings.host === "0.0.0.0" || settings.host === "::" ? "localhost" : settings.host
    return { port, url: `http://${host}:${port}` }
  })
)
