import { type ChatEvent, RealtimeHub } from "@chatbot-node/domain"
import { Realtime } from "@chatbot-node/domain"
import { Effect, Layer, PubSub, Queue, Stream } from "effect"

/**
 * Builds a RealtimeHub within one process. A conversation's subscribers each have a queue, found
 * by conversation id: an event reaches only its own conversation's subscribers, and an idle
 * subscription (a visitor's open feed) is one queue, not a filtered copy of every event. Shop
 * subscribers (agents' inboxes) share one PubSub, filtered per shop.
 */
export const make: Effect.Effect<RealtimeHub.Service> = Effect.gen(function*() {
  const shops = yield* PubSub.unbounded<Realtime.ConversationEvent>()
  const conversations = new Map<string, Set<Queue.Queue<ChatEvent.ChatEvent>>>()
  return {
    publish: (shopId, conversationId, event) =>
      Effect.suspend(() => {
        const subscribers = conversations.get(conversationId)
        if (subscribers !== undefined) for (const queue of subscribers) Queue.unsafeOffer(queue, event)
        // The values are already typed domain values: re-validating every token event cost ~10 % of a turn.
        return PubSub.publish(shops, new Realtime.ConversationEvent({ shopId, conversationId, event }, true))
      }).pipe(Effect.asVoid),
    subscribeConversation: (conversationId) =>
      Effect.acquireRelease(
        Effect.map(Queue.unbounded<ChatEvent.ChatEvent>(), (queue) => {
          const subscribers = conversations.get(conversationId) ?? new Set()
          conversations.set(conversationId, subscribers.add(queue))
          return queue
        }),
        (queue) =>
          Effect.suspend(() => {
            const subscribers = conversations.get(conversationId)
            subscribers?.delete(queue)
            if (subscribers?.size === 0) conversations.delete(conversationId)
            return Queue.shutdown(queue)
          })
      ).pipe(Effect.map((queue) => Stream.fromQueue(queue))),
    subscribeShop: (shopId) =>
      PubSub.subscribe(shops).pipe(
        Effect.map((queue) => Stream.fromQueue(queue).pipe(Stream.filter((e) => e.shopId === shopId)))
      )
  }
})

/** The in-process RealtimeHub as a layer. */
export const layer: Layer.Layer<RealtimeHub> = Layer.effect(RealtimeHub, make)
