import { Effect, type Redacted } from "effect"
import * as RedisConnection from "../realtime/RedisConnection.js"

/**
 * Socket.io's Redis adapter on a publishing and a subscribing connection of its own (ioredis):
 * rooms and broadcasts (typing indicators, `to(room).emit`) reach the sockets of every instance
 * on the same Redis. Scoped: the connections close with the scope, after the server that uses
 * the adapter has closed it. With Redis away, broadcasts reach this instance's sockets only.
 */
export const make = (options: { readonly url: string | Redacted.Redacted; readonly key?: string | undefined }) =>
  Effect.gen(function*() {
    const [publisher, subscriber] = yield* Effect.all([
      RedisConnection.make({ url: options.url, name: "chatbot-node-socketio-pub", queueWhileAway: false }),
      RedisConnection.make({ url: options.url, name: "chatbot-node-socketio-sub", queueWhileAway: true })
    ], { concurrency: 2 })
    const { createAdapter } = yield* Effect.promise(() => import("@socket.io/redis-adapter"))
    return createAdapter(publisher, subscriber, { key: options.key ?? "socket.io", requestsTimeout: 5_000 })
  })
