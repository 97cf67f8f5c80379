import { type ChatEvent, type HubFeed, RealtimeHub } from "@chatbot-node/domain"
import { Realtime } from "@chatbot-node/domain"
import { Effect, Layer } from "effect"

/** Listeners by key, each key's set dropped with its last listener. */
const makeListeners = <A>() => {
  const byKey = new Map<string, Set<HubFeed.HubListener<A>>>()
  return {
    get: (key: string) => byKey.get(key),
    add: (key: string, listener: HubFeed.HubListener<A>) =>
      Effect.acquireRelease(
        Effect.sync(() => {
          const set = byKey.get(key) ?? new Set()
          byKey.set(key, set.add(listener))
        }),
        () =>
          Effect.sync(() => {
            const set = byKey.get(key)
            set?.delete(listener)
            if (set?.size === 0) byKey.delete(key)
          })
      )
  }
}

/**
 * Builds a RealtimeHub within one process. Listeners are found by conversation id (a visitor's
 * feed) or shop id (an agent's inbox): an event reaches only its own conversation's and shop's
 * listeners, handed over in the publisher's call, in order, as the very object published. A
 * listener that throws is logged and skipped; the others still get the event.
 */
export const make: Effect.Effect<RealtimeHub.Service> = Effect.sync(() => {
  const conversations = makeListeners<ChatEvent.ChatEvent>()
  const shops = makeListeners<Realtime.ConversationEvent>()
  const deliver = <A>(listeners: Set<HubFeed.HubListener<A>> | undefined, event: A, failures: Array<unknown>) => {
    if (listeners === undefined) return
    for (const listener of listeners) {
      try {
        listener(event)
      } catch (error) {
        failures.push(error)
      }
    }
  }
  return {
    publish: (shopId, conversationId, event) =>
      Effect.suspend(() => {
        const failures: Array<unknown> = []
        deliver(conversations.get(conversationId), event, failures)
        const inbox = shops.get(shopId)
        // The values are already typed domain values: re-validating every token event cost ~10 % of a turn.
        if (inbox !== undefined) deliver(inbox, new Realtime.ConversationEvent({ shopId, conversationId, event }, true), failures)
        return failures.length === 0 ? Effect.void : Effect.logWarning("a realtime listener failed", ...failures)
      }),
    subscribeConversation: (conversationId, listener) => conversations.add(conversationId, listener),
    subscribeShop: (shopId, listener) => shops.add(shopId, listener)
  }
})

/** The in-process RealtimeHub as a layer. */
export const layer: Layer.Layer<RealtimeHub> = Layer.effect(RealtimeHub, make)
