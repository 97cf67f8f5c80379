import { ChatEvent, type Ids } from "@chatbot-node/domain"

/** An event on its way to the other instances. */
export interface Outgoing {
  readonly shopId: Ids.ShopId
  readonly conversationId: Ids.ConversationId
  readonly event: ChatEvent.ChatEvent
}

/**
 * Merges a batch's deltas for the other instances: a delta joins the previous delta of the same
 * reply when nothing else of its conversation came in between. The text and the order within each
 * conversation are kept; a busy instance sends one message per reply per batch instead of one per token.
 */
export const mergeDeltas = (batch: Iterable<Outgoing>): Array<Outgoing> => {
  const out: Array<Outgoing> = []
  /** Where each conversation's last event is in `out`, while that event is a delta. */
  const openDelta = new Map<Ids.ConversationId, number>()
  for (const item of batch) {
    const at = openDelta.get(item.conversationId)
    if (item.event._tag !== "delta") {
      openDelta.delete(item.conversationId)
      out.push(item)
      continue
    }
    const previous = at === undefined ? undefined : out[at]!.event
    if (at !== undefined && previous?._tag === "delta" && previous.replyId === item.event.replyId) {
      out[at] = { ...item, event: new ChatEvent.Delta({ replyId: previous.replyId, text: previous.text + item.event.text }, true) }
      continue
    }
    openDelta.set(item.conversationId, out.length)
    out.push(item)
  }
  return out
}
