import { Context, type Effect, type Scope } from "effect"
import type { ChatEvent } from "../model/ChatEvent.js"
import type { ConversationId, ShopId } from "../model/Ids.js"
import type { ConversationEvent } from "../model/Realtime.js"
import type { HubListener } from "./HubFeed.js"

/**
 * Live fan-out of conversation events to whoever watches: the visitor's other tabs, agents'
 * inboxes, other server instances. Delivery is best effort; the store is the record.
 */
export class RealtimeHub extends Context.Tag("@chatbot-node/domain/RealtimeHub")<RealtimeHub, RealtimeHub.Service>() {}

export declare namespace RealtimeHub {
  export interface Service {
    /** Hands the event to this instance's listeners at once (in this call), and on to other instances. */
    readonly publish: (shopId: ShopId, conversationId: ConversationId, event: ChatEvent) => Effect.Effect<void>
    /**
     * Events of one conversation go to `listener`, from the moment the scope subscribes until it
     * closes. Listeners rather than streams: a feed costs no fiber, and an event no stream's pull.
     * `HubFeed.stream` makes a feed a `Stream`.
     */
    readonly subscribeConversation: (conversationId: ConversationId, listener: HubListener<ChatEvent>) => Effect.Effect<void, never, Scope.Scope>
    /** Events of every conversation of a shop (an agent's inbox), like `subscribeConversation`. */
    readonly subscribeShop: (shopId: ShopId, listener: HubListener<ConversationEvent>) => Effect.Effect<void, never, Scope.Scope>
  }
}
