import { type Admin, type ChatErrors, ChatEvent, Handoff, History, Message, RealtimeEvents, RealtimeHub, type Conversation, type Ids } from "@chatbot-node/domain"
import { Effect, Option, Runtime, Schema, Stream } from "effect"
import type { Namespace, Socket } from "socket.io"
import { AdminTokens } from "../koa/AdminTokens.js"
import * as EncodedEvents from "./EncodedEvents.js"
import { decode, SocketRefusal } from "./SocketAcks.js"
import * as SocketSession from "./SocketSession.js"

/** What the agent namespace needs from the application. */
export type AgentR = AdminTokens | Handoff | History | RealtimeHub

const Handshake = Schema.Struct({ token: Schema.String.pipe(Schema.maxLength(4096)) })

const encodeMessage = Schema.encodeSync(Message.Message)

/** The inbox cares about who holds a conversation and what was said, not every streamed word. */
const inboxWorthy = (event: ChatEvent.ChatEvent) => event._tag === "message" || event._tag === "status" || event._tag === "started"

/** A conversation as the inbox lists it. */
export const inboxItem = (c: Conversation.Conversation, lastMessageText: Option.Option<string>): RealtimeEvents.InboxItemJson => ({
  id: c.id,
  shopId: c.shopId,
  visitorId: c.visitorId,
  status: c.status,
  locale: c.locale,
  assignedAgentId: Option.getOrNull(c.assignedAgentId),
  lastMessageText: Option.getOrNull(lastMessageText),
  updatedAt: c.updatedAt.toISOString()
})

const authenticate = (socket: Socket) =>
  Effect.gen(function*() {
    const refused = new SocketRefusal({ code: "unauthorized", message: "Sign in again." })
    const auth = yield* Effect.mapError(decode(Handshake, socket.handshake.auth), () => refused)
    socket.data = { admin: yield* Effect.mapError((yield* AdminTokens).verify(auth.token), () => refused) }
  })

/**
 * The agent namespace (admin JWT on the handshake): the inbox of live and recent conversations
 * per shop, updated in real time; watching a conversation live (the bot's stream included); and
 * taking over, replying, handing back and closing through the Handoff use case.
 */
export const attach = (nsp: Namespace, runtime: Runtime.Runtime<AgentR>, options: SocketSession.SessionOptions = {}) => {
  nsp.use(SocketSession.middleware(runtime, authenticate))
  nsp.on("connection", (socket) => {
    const admin = (socket.data as { admin: Admin.Admin }).admin
    const session = SocketSession.make(runtime, socket, () => "en", { maxFeeds: 50, ...options })

    const watch = (conversationId: Ids.ConversationId) =>
      session.follow(
        `c:${conversationId}`,
        Effect.gen(function*() {
          yield* (yield* RealtimeHub).subscribeConversation(conversationId, (event) => { socket.emit("chat:event", EncodedEvents.chatEvent(event)) })
        })
      )

    const followShop = (shopId: Ids.ShopId) =>
      session.follows(`s:${shopId}`)
        ? Effect.void
        : session.follow(
          `s:${shopId}`,
          Effect.flatMap(RealtimeHub, (hub) =>
            hub.subscribeShop(shopId, (e) => { if (inboxWorthy(e.event)) socket.emit("inbox:event", EncodedEvents.conversationEvent(e)) }))
        )

    session.on("inbox", (payload) =>
      Effect.gen(function*() {
        const query = yield* decode(RealtimeEvents.InboxQuery, payload)
        const page = yield* (yield* History).search(admin, {
          shopIds: query.shopId === undefined ? undefined : [query.shopId],
          status: query.status,
          limit: query.limit ?? 50
        })
        const shops = query.shopId !== undefined
          ? [query.shopId]
          : admin.shopIds.length > 0
          ? admin.shopIds
          : Array.from(new Set(page.items.map((s) => s.conversation.shopId)))
        yield* Effect.forEach(shops, followShop, { discard: true })
        return { items: page.items.map((s) => inboxItem(s.conversation, s.lastMessageText)), shops }
      }))

    session.on("watch", (payload) =>
      Effect.gen(function*() {
        const { conversationId } = yield* decode(RealtimeEvents.ConversationRef, payload)
        const history = yield* History
        yield* history.staffTranscript(admin, conversationId, { limit: 1 })
        yield* watch(conversationId)
        const transcript = yield* history.staffTranscript(admin, conversationId, { limit: 100 })
        return {
          conversation: inboxItem(transcript.conversation, Option.fromNullable(transcript.messages.at(-1)?.text)),
          messages: transcript.messages.map((m) => encodeMessage(m))
        }
      }))

    session.on("unwatch", (payload) =>
      Effect.gen(function*() {
        const { conversationId } = yield* decode(RealtimeEvents.ConversationRef, payload)
        yield* session.unfollow(`c:${conversationId}`)
        return {}
      }))

    const step = (f: (handoff: Handoff, id: Ids.ConversationId) => Effect.Effect<Conversation.Conversation, ChatErrors.ChatFailure>) => (payload: unknown) =>
      Effect.gen(function*() {
        const { conversationId } = yield* decode(RealtimeEvents.ConversationRef, payload)
        if (!session.follows(`c:${conversationId}`)) {
          yield* (yield* History).staffTranscript(admin, conversationId, { limit: 1 })
          yield* watch(conversationId)
        }
        const updated = yield* f(yield* Handoff, conversationId)
        return { status: updated.status }
      })

    session.on("takeover", step((h, id) => h.takeOver(admin, id)))
    session.on("handback", step((h, id) => h.handBack(admin, id)))
    session.on("close", step((h, id) => h.close({ _tag: "Staff", admin }, id)))

    session.on("reply", (payload) =>
      Effect.gen(function*() {
        const body = yield* decode(RealtimeEvents.ReplyPayload, payload)
        const message = yield* (yield* Handoff).agentReply(admin, body.conversationId, body.text, body.clientMessageId)
        return { messageId: message.id, seq: message.seq }
      }))

    session.on("typing", (payload) =>
      Effect.gen(function*() {
        const body = yield* decode(RealtimeEvents.TypingPayload, payload)
        if (!session.follows(`c:${body.conversationId}`)) return yield* new SocketRefusal({ code: "not_found", message: "Watch the conversation first." })
        yield* (yield* Handoff).typing({ _tag: "Staff", admin }, body.conversationId, body.typing)
        return {}
      }))
  })
  return nsp
}
