import { RealtimeEvents } from "@chatbot-node/domain"
import { Duration, Effect, type Runtime } from "effect"
import type { Server as HttpServer } from "node:http"
import { Server } from "socket.io"
import * as AgentNamespace from "./AgentNamespace.js"
import type * as SocketSession from "./SocketSession.js"
import * as VisitorNamespace from "./VisitorNamespace.js"

/** The typed Socket.io server of this application. */
export type RealtimeServer = Server<RealtimeEvents.ClientToServerEvents, RealtimeEvents.ServerToClientEvents>

/** How to run Socket.io on the application's HTTP server. */
export interface SocketServerOptions extends SocketSession.SessionOptions {
  readonly ownOrigin?: string | undefined
  /** Any Origin for shops that list none (development). */
  readonly openWhenUnconfigured: boolean
  readonly pingInterval?: Duration.DurationInput | undefined
  readonly pingTimeout?: Duration.DurationInput | undefined
  /** The largest message a client may send; 16 KB by default. */
  readonly maxHttpBufferSize?: number | undefined
}

/**
 * Attaches Socket.io (namespaces `/visitor` and `/agent`) to the given HTTP server as a scoped
 * resource: sockets are closed when the server's owner calls `closeAllConnections()` or when the
 * scope ends, whichever comes first; the HTTP server itself is left to its owner. Handlers run
 * through `runtime`. Sockets are only ever sent to one by one, from the `RealtimeHub`'s
 * subscriptions (shared by instances), so Socket.io needs no adapter of its own between instances.
 */
export const make = (
  http: HttpServer,
  runtime: Runtime.Runtime<VisitorNamespace.VisitorR | AgentNamespace.AgentR>,
  options: SocketServerOptions
) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const io: RealtimeServer = new Server(http, {
        pingInterval: Duration.toMillis(options.pingInterval ?? "25 seconds"),
        pingTimeout: Duration.toMillis(options.pingTimeout ?? "20 seconds"),
        maxHttpBufferSize: options.maxHttpBufferSize ?? 16 * 1024,
        cors: { origin: true, credentials: false },
        serveClient: true
      })
      const visitors = io.of("/visitor")
      const agents = io.of("/agent")
      VisitorNamespace.attach(visitors, runtime, options)
      AgentNamespace.attach(agents, runtime, options)
      // Upgraded WebSockets are not the HTTP server's to close: when its owner closes every
      // connection (after a grace period), the sockets go too, or `server.close()` would wait on them.
      const closeAll = http.closeAllConnections.bind(http)
      http.closeAllConnections = () => {
        io.local.disconnectSockets(true)
        io.engine.close()
        closeAll()
      }
      return io
    }),
    (io) =>
      Effect.sync(() => {
        io.local.disconnectSockets(true)
        for (const nsp of [io.of("/visitor"), io.of("/agent"), io.of("/")]) nsp.local.disconnectSockets(true)
        io.engine.close()
      })
  )
