import { ChatEvent, Realtime } from "@chatbot-node/domain"
import { Schema } from "effect"

const encodeEvent = Schema.encodeSync(ChatEvent.ChatEvent)
const encodeConversationEvent = Schema.encodeSync(Realtime.ConversationEvent)
const events = new WeakMap<ChatEvent.ChatEvent, ChatEvent.ChatEventEncoded>()
const conversationEvents = new WeakMap<Realtime.ConversationEvent, typeof Realtime.ConversationEvent.Encoded>()

/**
 * A ChatEvent as the wire carries it, encoded once however many sockets receive it (the hub hands
 * every subscriber the same object).
 */
export const chatEvent = (event: ChatEvent.ChatEvent): ChatEvent.ChatEventEncoded => {
  let encoded = events.get(event)
  if (encoded === undefined) {
    encoded = encodeEvent(event)
    events.set(event, encoded)
  }
  return encoded
}

/** A ConversationEvent (an inbox update) as the wire carries it, encoded once. */
export const conversationEvent = (event: Realtime.ConversationEvent) => {
  let encoded = conversationEvents.get(event)
  if (encoded === undefined) {
    encoded = encodeConversationEvent(event)
    conversationEvents.set(event, encoded)
  }
  return encoded
}
