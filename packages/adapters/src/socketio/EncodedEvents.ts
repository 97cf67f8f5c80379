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
  // A reply's text, nearly every event there is: its encoded form is its fields (a property test holds
  // it to the schema's). Encoding it through the union costs more than the rest of its way to the socket.
  if (event._tag === "delta") return { _tag: "delta", replyId: event.replyId, text: event.text }
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
