import { Effect, Option } from "effect"
import * as ConversationState from "../logic/ConversationState.js"
import { t, type MessageKey } from "../logic/I18n.js"
import * as MessageText from "../logic/MessageText.js"
import { canAccessShop, type Admin } from "../model/Admin.js"
import { MessageStored, StatusChanged, Typing } from "../model/ChatEvent.js"
import type { Conversation, ConversationStatus } from "../model/Conversation.js"
import { ConversationNotFound, NotPermitted } from "../model/Errors.js"
import type { ClientMessageId, ConversationId, ShopId, VisitorId } from "../model/Ids.js"
import { ConversationStore } from "../ports/ConversationStore.js"
import { RealtimeHub } from "../ports/RealtimeHub.js"
import { Chat } from "./Chat.js"

/** Who acts on a conversation: its visitor, or a staff member. */
export type Actor =
  | { readonly _tag: "Visitor"; readonly shopId: ShopId; readonly visitorId: VisitorId }
  | { readonly _tag: "Staff"; readonly admin: Admin }

/**
 * Human handoff: a visitor asks for a person, an agent takes over (the bot stops at once and stays
 * silent), replies, hands back to the bot, or closes. Each step tells the visitor, in their
 * language, with a system message, and tells every watcher live; so does either side's typing.
 */
export class Handoff extends Effect.Service<Handoff>()("@chatbot-node/domain/Handoff", {
  effect: Effect.gen(function*() {
    const store = yield* ConversationStore
    const hub = yield* RealtimeHub
    const chat = yield* Chat

    const load = (actor: Actor, conversationId: ConversationId) =>
      Effect.gen(function*() {
        const found = actor._tag === "Visitor"
          ? yield* store.getVisitorConversation(actor.shopId, actor.visitorId, conversationId)
          : Option.filter(yield* store.getConversation(conversationId), (c) => canAccessShop(actor.admin, c.shopId))
        if (Option.isNone(found)) return yield* new ConversationNotFound({ conversationId })
        return found.value
      })

    const announce = (conversation: Conversation, key: MessageKey, name: string) =>
      Effect.gen(function*() {
        const text = key === "agentJoined" || key === "agentLeft" ? t(conversation.locale, key, { name }) : t(conversation.locale, key as "humanRequested")
        const { message } = yield* store.appendMessage({ conversationId: conversation.id, role: "system", text, status: "complete" })
        yield* hub.publish(conversation.shopId, conversation.id, new MessageStored({ message }, true))
        return message
      })

    const move = (conversation: Conversation, to: ConversationStatus, assignedAgentId: Admin["id"] | null) =>
      Effect.gen(function*() {
        const status = yield* ConversationState.transition(conversation.status, to)
        const updated = yield* store.updateConversation(conversation.id, { status, assignedAgentId })
        yield* hub.publish(updated.shopId, updated.id, new StatusChanged({ conversationId: updated.id, status }, true))
        return updated
      })

    /** The visitor asks for a person: the bot stops, staff see the conversation waiting. */
    const requestHuman = Effect.fn("Handoff.requestHuman")(function*(shopId: ShopId, visitorId: VisitorId, conversationId: ConversationId) {
      const conversation = yield* load({ _tag: "Visitor", shopId, visitorId }, conversationId)
      yield* chat.cancelConversation(conversation.id)
      const updated = yield* move(conversation, "waiting-for-agent", null)
      yield* announce(updated, "humanRequested", "")
      return updated
    })

    /** An agent takes the conversation over; any reply the bot is writing stops. */
    const takeOver = Effect.fn("Handoff.takeOver")(function*(admin: Admin, conversationId: ConversationId) {
      const conversation = yield* load({ _tag: "Staff", admin }, conversationId)
      yield* chat.cancelConversation(conversation.id)
      const updated = yield* move(conversation, "agent", admin.id)
      yield* announce(updated, "agentJoined", admin.name)
      return updated
    })

    /** The agent who holds the conversation writes to the visitor. Idempotent on clientMessageId. */
    const agentReply = Effect.fn("Handoff.agentReply")(function*(
      admin: Admin,
      conversationId: ConversationId,
      text: string,
      clientMessageId?: ClientMessageId
    ) {
      const trimmed = yield* MessageText.validate(text)
      const conversation = yield* load({ _tag: "Staff", admin }, conversationId)
      if (conversation.status !== "agent" || !Option.contains(conversation.assignedAgentId, admin.id)) {
        return yield* new NotPermitted({ message: "take the conversation over before replying" })
      }
      const { created, message } = yield* store.appendMessage({
        conversationId,
        role: "agent",
        text: trimmed,
        status: "complete",
        agentId: admin.id,
        clientMessageId
      })
      if (created) yield* hub.publish(conversation.shopId, conversation.id, new MessageStored({ message }, true))
      return message
    })

    /** The agent hands the conversation back to the bot. */
    const handBack = Effect.fn("Handoff.handBack")(function*(admin: Admin, conversationId: ConversationId) {
      const conversation = yield* load({ _tag: "Staff", admin }, conversationId)
      const updated = yield* move(conversation, "bot", null)
      yield* announce(updated, "agentLeft", admin.name)
      return updated
    })

    /** The visitor or staff close the conversation; the visitor's next message reopens it with the bot. */
    const close = Effect.fn("Handoff.close")(function*(actor: Actor, conversationId: ConversationId) {
      const conversation = yield* load(actor, conversationId)
      yield* chat.cancelConversation(conversation.id)
      const updated = yield* move(conversation, "closed", null)
      yield* announce(updated, "conversationClosed", "")
      return updated
    })

    /**
     * The visitor or a staff member who may read the conversation is typing (or stopped): everyone
     * following it hears it through the hub, whatever their transport and instance (the widget's SSE
     * feed, agents' and visitors' sockets). Nothing is stored.
     */
    const typing = Effect.fn("Handoff.typing")(function*(actor: Actor, conversationId: ConversationId, typing: boolean) {
      const conversation = yield* load(actor, conversationId)
      const from = actor._tag === "Visitor" ? "visitor" : "agent"
      yield* hub.publish(conversation.shopId, conversation.id, new Typing({ conversationId: conversation.id, from, typing }, true))
    })

    return { requestHuman, takeOver, agentReply, handBack, close, typing } as const
  })
}) {}
