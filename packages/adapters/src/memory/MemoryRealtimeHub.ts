import { RealtimeHub } from "@chatbot-node/domain"
import { Realtime } from "@chatbot-node/domain"
import { Effect, Layer, PubSub, Stream } from "effect"

/** Builds a RealtimeHub within one process: one PubSub, filtered per conversation or shop. */
export const make: Effect.Effect<RealtimeHub.Service> = Effect.gen(function*() {
  const pubsub = yield* PubSub.unbounded<Realtime.ConversationEvent>()
  return {
    publish: (shopId, conversationId, event) =>
      // The values are already typed domain values: re-validating every token event cost ~10 % of a turn.
      PubSub.publish(pubsub, new Realtime.ConversationEvent({ shopId, conversationId, event }, true)).pipe(Effect.asVoid),
    subscribeConversation: (conversationId) =>
      PubSub.subscribe(pubsub).pipe(
        Effect.map((queue) =>
          Stream.fromQueue(queue).pipe(
            Stream.filter((e) => e.conversationId === conversationId),
            Stream.map((e) => e.event)
          )
        )
      ),
    subscribeShop: (shopId) =>
      PubSub.subscribe(pubsub).pipe(
        Effect.map((queue) => Stream.fromQueue(queue).pipe(Stream.filter((e) => e.shopId === shopId)))
      )
  }
})

/** The in-process RealtimeHub as a layer. */
export const layer: Layer.Layer<RealtimeHub> = Layer.effect(RealtimeHub, make)
