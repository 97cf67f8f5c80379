import { Schema } from "effect"
import { ChatEvent } from "./ChatEvent.js"
import { ConversationId, ShopId } from "./Ids.js"

/** A ChatEvent with the conversation and shop it belongs to, as agents' inboxes receive it. */
export class ConversationEvent extends Schema.Class<ConversationEvent>("ConversationEvent")({
  shopId: ShopId,
  conversationId: ConversationId,
  event: ChatEvent
}) {}
