import { Ids } from "@chatbot-node/domain"
import { RedisSocketAdapter } from "@chatbot-node/adapters/socketio"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { createServer } from "node:http"
import { Server } from "socket.io"
import { io as connect, type Socket } from "socket.io-client"
import { closedPort } from "../support/relay.js"

const testRedisUrl = process.env.TEST_REDIS_URL || undefined

/** A Socket.io server on a free port with the given adapter, every socket in room "r"; closed with the scope. */
const serve = (adapter: Parameters<typeof RedisSocketAdapter.make>[0]) =>
  Effect.gen(function*() {
    const make = yield* RedisSocketAdapter.make(adapter)
    return yield* Effect.acquireRelease(
      Effect.promise(async () => {
        const http = createServer()
        const io = new Server(http, { adapter: make })
        io.on("connection", (socket) => void socket.join("r"))
        await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
        return { io, url: `http://127.0.0.1:${(http.address() as { port: number }).port}` }
      }),
      ({ io }) => Effect.promise(() => io.close())
    )
  })

const client = (url: string) =>
  Effect.acquireRelease(
    Effect.async<Socket>((resume) => {
      const socket = connect(url, { transports: ["websocket"], reconnection: false, forceNew: true })
      socket.once("connect", () => resume(Effect.succeed(socket)))
    }),
    (socket) => Effect.sync(() => socket.close())
  )

const next = (socket: Socket, event: string) => Effect.async<unknown>((resume) => void socket.once(event, (v: unknown) => resume(Effect.succeed(v))))

describe.skipIf(testRedisUrl === undefined)("RedisSocketAdapter on Redis (TEST_REDIS_URL)", () => {
  it.scopedLive("a room broadcast on one server reaches the room's sockets on another, and fetchSockets sees both servers", () =>
    Effect.gen(function*() {
      const key = `socket.io-test-${Ids.randomToken()}`
      const a = yield* serve({ url: testRedisUrl!, key })
      const b = yield* serve({ url: testRedisUrl!, key })
      const onA = yield* client(a.url)
      const onB = yield* client(b.url)
      const both = yield* Effect.promise(() => a.io.fetchSockets()).pipe(
        Effect.filterOrFail((sockets) => sockets.length === 2),
        Effect.retry({ times: 20 })
      )
      expect(both.map((s) => s.id).sort()).toEqual([onA.id, onB.id].sort())
      const received = yield* Effect.fork(Effect.all([next(onA, "hello"), next(onB, "hello")]))
      a.io.to("r").emit("hello", "from a")
      expect(yield* received.await.pipe(Effect.flatten, Effect.timeout("10 seconds"))).toEqual(["from a", "from a"])
    }), 30_000)
})

describe("RedisSocketAdapter with no Redis listening", () => {
  it.scopedLive("the server starts, warns once per connection, and room broadcasts still reach its own sockets", () => {
    const lines: Array<string> = []
    const logger = Logger.replace(Logger.defaultLogger, Logger.make(({ logLevel, message }) => {
      lines.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
    }))
    return Effect.gen(function*() {
      const port = yield* Effect.promise(closedPort)
      const server = yield* serve({ url: `redis://127.0.0.1:${port}` })
      const socket = yield* client(server.url)
      const received = yield* Effect.fork(next(socket, "hello"))
      server.io.to("r").emit("hello", "local")
      server.io.to("r").emit("hello", "again")
      expect(yield* received.await.pipe(Effect.flatten, Effect.timeout("10 seconds"))).toBe("local")
      expect(lines.filter((l) => l.startsWith("WARN redis (chatbot-node-socketio-")).sort()).toEqual([
        "WARN redis (chatbot-node-socketio-pub) connection failed; reconnecting",
        "WARN redis (chatbot-node-socketio-sub) connection failed; reconnecting"
      ])
    }).pipe(Effect.provide(logger))
  }, 30_000)
})
