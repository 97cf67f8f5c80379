import { Ids, Realtime, RealtimeHub } from "@chatbot-node/domain"
import { Effect, Layer, type Redacted, Schema } from "effect"
import * as MemoryRealtimeHub from "../memory/MemoryRealtimeHub.js"
import * as RedisConnection from "./RedisConnection.js"

/** Where the hub's instances meet. */
export interface RedisRealtimeHubOptions {
  readonly url: string | Redacted.Redacted
  /** The pub/sub channel every instance subscribes to. */
  readonly channel?: string | undefined
}

/** What goes over the channel: the event and which instance sent it. */
const Envelope = Schema.parseJson(Schema.Struct({ sender: Schema.String, event: Realtime.ConversationEvent }))
const decodeEnvelope = Schema.decodeUnknownEither(Envelope)
const encodeEnvelope = Schema.encodeSync(Envelope)

/**
 * A RealtimeHub shared by several server instances over Redis pub/sub: events are delivered at
 * once to this instance's subscribers and published, in order (one connection), to the others.
 * With Redis away, events still reach this instance's subscribers and the others miss them: best
 * effort, like every hub; the store is the record.
 */
export const make = (options: RedisRealtimeHubOptions) =>
  Effect.gen(function*() {
    const channel = options.channel ?? "chatbot-node:realtime"
    const sender = Ids.randomToken()
    const local = yield* MemoryRealtimeHub.make
    const [publisher, subscriber] = yield* Effect.all([
      RedisConnection.make({ url: options.url, name: "chatbot-node-realtime-pub", queueWhileAway: false }),
      RedisConnection.make({ url: options.url, name: "chatbot-node-realtime-sub", queueWhileAway: true })
    ], { concurrency: 2 })

    subscriber.on("message", (from: string, text: string) => {
      if (from !== channel) return
      const decoded = decodeEnvelope(text)
      if (decoded._tag === "Left" || decoded.right.sender === sender) return
      const e = decoded.right.event
      Effect.runFork(local.publish(e.shopId, e.conversationId, e.event))
    })
    // Subscribed before the hub is handed out when Redis is there; otherwise the SUBSCRIBE waits for
    // the connection (and ioredis subscribes again after every reconnect).
    const subscribed = subscriber.subscribe(channel)
    if (subscriber.status === "ready") yield* Effect.promise(() => subscribed).pipe(Effect.interruptible, Effect.timeout("3 seconds"), Effect.ignore)

    return RealtimeHub.of({
      publish: (shopId, conversationId, event) =>
        Effect.zipRight(
          local.publish(shopId, conversationId, event),
          Effect.sync(() => {
            void publisher.publish(channel, encodeEnvelope({ sender, event: new Realtime.ConversationEvent({ shopId, conversationId, event }, true) }))
          })
        ),
      subscribeConversation: local.subscribeConversation,
      subscribeShop: local.subscribeShop
    })
  })

/** The Redis hub as a layer (a publishing and a subscribing connection). */
export const layer = (options: RedisRealtimeHubOptions): Layer.Layer<RealtimeHub> => Layer.scoped(RealtimeHub, make(options))
