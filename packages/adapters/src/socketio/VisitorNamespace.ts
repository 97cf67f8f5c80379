import { Chat, ChatEvent, Handoff, History, HubFeed, Locale, Message, RateLimitPolicy, RealtimeEvents, RealtimeHub, ShopDirectory, ShopOrigins, type Ids, type Turn } from "@chatbot-node/domain"
import { Effect, Option, Runtime, Schema } from "effect"
import type { Namespace, Socket } from "socket.io"
import { RateLimiter } from "../koa/RateLimiter.js"
import { VisitorTokens } from "../koa/VisitorTokens.js"
import * as EncodedEvents from "./EncodedEvents.js"
import { decode, SocketRefusal } from "./SocketAcks.js"
import * as SocketSession from "./SocketSession.js"

/** What the visitor namespace needs from the application. */
export type VisitorR = Chat | Handoff | History | ShopDirectory | VisitorTokens | RealtimeHub | RateLimiter

/** Who a visitor socket is, fixed at the handshake. */
export interface VisitorData {
  readonly shopId: Ids.ShopId
  readonly visitorId: Ids.VisitorId
  readonly locale: Locale.Locale
}

/** Settings of the visitor namespace. */
export interface VisitorOptions extends ShopOrigins.OriginRules, SocketSession.SessionOptions {}

const Handshake = Schema.Struct({ token: Schema.String.pipe(Schema.maxLength(4096)), locale: Schema.optional(Schema.String.pipe(Schema.maxLength(35))) })

const encodeMessage = Schema.encodeSync(Message.Message)


const handshakeLocale = (socket: Socket, asked: string | undefined): Locale.Locale =>
  Option.getOrElse(
    Option.orElse(Option.flatMap(Option.fromNullable(asked), Locale.fromTag), () =>
      Locale.fromTags((socket.handshake.headers["accept-language"] ?? "").split(",").map((t) => t.split(";")[0] ?? ""))),
    () => "en" as const
  )

/** Checks the visitor token on the handshake and the Origin against the shop's allowed origins. */
const authenticate = (socket: Socket, options: VisitorOptions) =>
  Effect.gen(function*() {
    const refused = new SocketRefusal({ code: "unauthorized", message: "A valid visitor token is required." })
    const auth = yield* Effect.mapError(decode(Handshake, socket.handshake.auth), () => refused)
    const claims = yield* Effect.mapError((yield* VisitorTokens).verify(auth.token), () => refused)
    const shop = yield* (yield* ShopDirectory).getShop(claims.shopId).pipe(Effect.orElseSucceed(() => Option.none()))
    if (Option.isNone(shop)) return yield* refused
    if (!ShopOrigins.allows(shop.value, socket.handshake.headers.origin, options)) {
      return yield* new SocketRefusal({ code: "forbidden_origin", message: "This page may not use the shop's chat." })
    }
    socket.data = { shopId: claims.shopId, visitorId: claims.visitorId, locale: handshakeLocale(socket, auth.locale) } satisfies VisitorData
  })

/**
 * The visitor namespace: send a message (acknowledged with the stored id, then the reply's
 * ChatEvents as `chat:event`), typing both ways, ask for a human, and resume after a reconnect
 * from the last seen `seq` (read from the store, so it works after a server restart).
 */
export const attach = (nsp: Namespace, runtime: Runtime.Runtime<VisitorR>, options: VisitorOptions) => {
  nsp.use(SocketSession.middleware(runtime, (socket) => authenticate(socket, options)))
  nsp.on("connection", (socket) => {
    const visitor = socket.data as VisitorData
    const session = SocketSession.make(runtime, socket, () => visitor.locale, options)
    const emitNow = (event: ChatEvent.ChatEvent) => { socket.emit("chat:event", EncodedEvents.chatEvent(event)) }
    const emit = (event: ChatEvent.ChatEvent) => Effect.sync(() => emitNow(event))

    /** Live events of one of the visitor's conversations; an ongoing turn's events first, without repeats. */
    const followConversation = (conversationId: Ids.ConversationId, turn?: Turn) =>
      session.follow(
        conversationId,
        Effect.gen(function*() {
          // The visitor's own typing comes back through the hub: not sent to them.
          const send = (event: ChatEvent.ChatEvent) => { if (event._tag !== "typing" || event.from !== "visitor") emitNow(event) }
          // While the turn is replayed, live events wait; then those the replay sent are dropped.
          const seen = new Set<ChatEvent.ChatEvent>()
          const live = HubFeed.holding<ChatEvent.ChatEvent>((event) => { if (!seen.delete(event)) send(event) })
          yield* (yield* RealtimeHub).subscribeConversation(conversationId, live.listener)
          if (turn === undefined) return live.release()
          yield* Effect.forkScoped(Effect.gen(function*() {
            // The visitor's own message went out before this socket could follow the new conversation.
            if (!turn.duplicate) yield* emit(new ChatEvent.MessageStored({ message: turn.visitorMessage }, true))
            // Sent as the reply appends them, with no wake of this fiber per event.
            yield* turn.forEachBatchSync((batch) => {
              for (const [, event] of batch) {
                seen.add(event)
                emitNow(event)
              }
            })
            live.release()
          }))
        })
      )

    const own = (conversationId: Ids.ConversationId) =>
      Effect.flatMap(History, (h) => h.visitorConversation(visitor.shopId, visitor.visitorId, conversationId))

    const limited = (waitMs: number) => new SocketRefusal({ code: "rate_limited", message: RateLimitPolicy.refusal(visitor.locale, waitMs) })

    /**
     * The same message limits as over HTTP (per IP and per visitor), shared by every instance: this
     * process's counts refuse at once; the effect returned awaits the shared counts (see `Chat.send`'s admission).
     */
    const chargeMessage = Effect.gen(function*() {
      const limiter = yield* RateLimiter
      const ip = socket.handshake.address
      const admission = yield* limiter.admit([
        ...RateLimitPolicy.chargesFor(limiter.limits, { _tag: "messageFromIp", ip }),
        ...RateLimitPolicy.chargesFor(limiter.limits, { _tag: "message", ip, shopId: visitor.shopId, visitorId: visitor.visitorId })
      ])
      if (Option.isSome(admission.local)) return yield* limited(admission.local.value)
      return Effect.flatMap(admission.shared, (wait) => (Option.isSome(wait) ? Effect.fail(limited(wait.value)) : Effect.void))
    })

    session.on("message:send", (payload) =>
      Effect.gen(function*() {
        const body = yield* decode(RealtimeEvents.SendPayload, payload)
        const admission = yield* chargeMessage
        const followed = body.conversationId !== undefined && session.follows(body.conversationId)
        if (body.conversationId !== undefined && !followed) {
          yield* own(body.conversationId)
          yield* followConversation(body.conversationId)
        }
        const turn = yield* (yield* Chat).send({
          shopId: visitor.shopId,
          visitorId: visitor.visitorId,
          text: body.text,
          clientMessageId: body.clientMessageId,
          conversationId: body.conversationId,
          locale: Option.getOrUndefined(Option.flatMap(Option.fromNullable(body.locale), Locale.fromTag)),
          context: body.context,
          admission
        })
        if (!session.follows(turn.conversation.id)) yield* followConversation(turn.conversation.id, turn)
        return { conversationId: turn.conversation.id, messageId: turn.visitorMessage.id, seq: turn.visitorMessage.seq, duplicate: turn.duplicate }
      }))

    session.on("typing", (payload) =>
      Effect.gen(function*() {
        const body = yield* decode(RealtimeEvents.TypingPayload, payload)
        if (!session.follows(body.conversationId)) return yield* new SocketRefusal({ code: "not_found", message: "Not a conversation of this chat." })
        if (body.typing) yield* (yield* Chat).prepare(visitor.visitorId)
        yield* (yield* Handoff).typing({ _tag: "Visitor", shopId: visitor.shopId, visitorId: visitor.visitorId }, body.conversationId, body.typing)
        return {}
      }))

    session.on("human:request", (payload) =>
      Effect.gen(function*() {
        const body = yield* decode(RealtimeEvents.ConversationRef, payload)
        if (!session.follows(body.conversationId)) {
          yield* own(body.conversationId)
          yield* followConversation(body.conversationId)
        }
        const updated = yield* (yield* Handoff).requestHuman(visitor.shopId, visitor.visitorId, body.conversationId)
        return { status: updated.status }
      }))

    session.on("resume", (payload) =>
      Effect.gen(function*() {
        const body = yield* decode(RealtimeEvents.ResumePayload, payload)
        yield* own(body.conversationId)
        yield* followConversation(body.conversationId)
        const limit = 100
        const transcript = yield* (yield* History).visitorTranscript(visitor.shopId, visitor.visitorId, body.conversationId, {
          afterSeq: body.afterSeq,
          limit
        })
        return {
          status: transcript.conversation.status,
          messages: transcript.messages.map((m) => encodeMessage(m)),
          hasMore: transcript.messages.length === limit
        }
      }))
  })
  return nsp
}
