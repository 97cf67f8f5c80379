import { Context, type Effect, type Scope, type Stream } from "effect"
import type { ChatEvent } from "../model/ChatEvent.js"
import type { ConversationId, ShopId } from "../model/Ids.js"
import type { ConversationEvent } from "../model/Realtime.js"

/**
 * Live fan-out of conversation events to whoever watches: the visitor's other tabs, agents'
 * inboxes, other server instances. Delivery is best effort; the store is the record.
 */
export class RealtimeHub extends Context.Tag("@chatbot-node/domain/RealtimeHub")<RealtimeHub, RealtimeHub.Service>() {}

export declare namespace RealtimeHub {
  export interface Service {
    readonly publish: (shopId: ShopId, conversationId: ConversationId, event: ChatEvent) => Effect.Effect<void>
    /** Events of one conversation, from the moment the scope subscribes. */
    readonly subscribeConversation: (
      conversationId: ConversationId
    ) => Effect.Effect<Stream.Stream<ChatEvent>, never, Scope.Scope>
    /** Events of every conversation of a shop (an agent's inbox). */
    readonly subscribeShop: (shopId: ShopId) => Effect.Effect<Stream.Stream<ConversationEvent>, never, Scope.Scope>
  }
}
