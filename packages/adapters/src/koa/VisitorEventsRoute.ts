import { ChatEvent, ConversationStore, Errors, Handoff, HubFeed, Ids, RealtimeHub, type ShopDirectory } from "@chatbot-node/domain"
import type Router from "@koa/router"
import { Duration, Effect, Exit, Option, Runtime, Schema, Scope } from "effect"
import type Koa from "koa"
import { keepOpen } from "../sse/KeepOpen.js"
import * as SseFrame from "../sse/SseFrame.js"
import { decodeBody } from "./ChatBody.js"
import { requestLocale, type Handler } from "./Handler.js"
import { identify } from "./VisitorIdentity.js"
import type { VisitorTokens } from "./VisitorTokens.js"

/** What the visitor's events and handoff routes need (besides what identifying a visitor needs). */
export type VisitorEventsR = ConversationStore | RealtimeHub | Handoff | ShopDirectory | VisitorTokens | Effect.Effect.Context<ReturnType<typeof identify>>

const Query = Schema.Struct({
  shopId: Schema.optional(Ids.ShopId),
  userId: Schema.optional(Schema.String),
  afterSeq: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative()))
})

const encodeEvent = Schema.encodeSync(ChatEvent.ChatEvent)

/** The visitor's own conversation named in the path, or 404 as if it did not exist. */
const ownConversation = (ctx: Koa.Context) =>
  Effect.gen(function*() {
    const locale = requestLocale(ctx)
    const query = yield* decodeBody(Query, ctx.query, locale)
    const visitor = yield* identify(ctx, { shopId: query.shopId, userId: query.userId }, locale)
    const raw = (ctx as Koa.Context & { params: Record<string, string> }).params.id ?? ""
    const id = yield* Schema.decodeUnknown(Ids.ConversationId)(raw).pipe(Effect.mapError(() => new Errors.ConversationNotFound({ conversationId: "" })))
    const found = yield* (yield* ConversationStore).getVisitorConversation(visitor.shopId, visitor.visitorId, id)
    if (Option.isNone(found)) return yield* new Errors.ConversationNotFound({ conversationId: id })
    const header = /^\s*(\d{1,9})\s*$/.exec(ctx.get("last-event-id"))
    return { visitor, conversation: found.value, afterSeq: header === null ? query.afterSeq ?? 0 : Number(header[1]) }
  })

/**
 * Subscribes to the conversation's live events, then answers with the SSE head and the stored
 * messages after `afterSeq`, then the live events (those that came meanwhile first), for as long as
 * the scope it runs in is open. Nothing of the replay stays referenced once sent (a feed lives as
 * long as the visitor's page).
 */
const openFeed = (ctx: Koa.Context) =>
  Effect.gen(function*() {
    const { conversation, afterSeq } = yield* ownConversation(ctx)
    const live = HubFeed.holding<ChatEvent.ChatEvent>((event) => writeEvent(event))
    yield* (yield* RealtimeHub).subscribeConversation(conversation.id, live.listener)
    const stored = (yield* (yield* ConversationStore).listMessages(conversation.id, { afterSeq, limit: 100 }))
      .filter((m) => !(m.role === "bot" && m.status === "streaming"))
    const sent = new Set<string>()
    const res = ctx.res
    const write = (text: string | undefined) => { if (text !== undefined && !res.writableEnded) res.write(text) }
    const writeEvent = (event: ChatEvent.ChatEvent) => {
      if (event._tag === "message") {
        if (sent.has(event.message.id)) return
        sent.add(event.message.id)
        write(SseFrame.frame({ id: String(event.message.seq), event: "message", data: JSON.stringify(encodeEvent(event)) }))
      } else if (event._tag === "status" || (event._tag === "typing" && event.from === "agent")) {
        write(SseFrame.frame({ event: event._tag, data: JSON.stringify(encodeEvent(event)) }))
      }
    }
    ctx.respond = false
    res.writeHead(200, { ...SseFrame.headers })
    ctx.req.socket.setNoDelay(true)
    res.write("retry: 3000\n\n")
    for (const message of stored) writeEvent(new ChatEvent.MessageStored({ message }))
    writeEvent(new ChatEvent.StatusChanged({ conversationId: conversation.id, status: conversation.status }))
    live.release()
  })

/**
 * `GET /api/conversations/:id/events`: the visitor's live feed of their conversation as SSE:
 * `message` events (agents', system and finished bot messages, `id:` their seq) and `status`
 * changes (handoff), plus agents' `typing`. Messages stored after `Last-Event-ID` (a seq) are replayed
 * first, so a reconnecting widget misses nothing; a heartbeat comment keeps proxies open.
 * Once open, the feed is held by its connection (`keepOpen`), not by a fiber: the handler returns,
 * and the hub's listener is released when the connection closes.
 */
export const conversationEvents = (heartbeat: Duration.DurationInput): Handler<VisitorEventsR> => (ctx) =>
  Effect.gen(function*() {
    const runtime = yield* Effect.runtime<never>()
    const scope = yield* Scope.make()
    const hold = () =>
      keepOpen(ctx.res, {
        heartbeatMs: Duration.toMillis(Duration.decode(heartbeat)),
        onClose: () => { Runtime.runFork(runtime)(Scope.close(scope, Exit.void)) }
      })
    // Handed over in the exit's finalizer (uninterruptible): a client gone at that moment still has its
    // listener released (keepOpen releases at once a connection already closed), never left behind.
    yield* openFeed(ctx).pipe(
      Scope.extend(scope),
      Effect.onExit((exit) => (Exit.isSuccess(exit) ? Effect.sync(hold) : Scope.close(scope, exit)))
    )
  }).pipe(Effect.onInterrupt(() => Effect.sync(() => ctx.res.end())))

/** `POST /api/conversations/:id/human`: the visitor asks for a person; the bot stops. Answers the new status. */
export const requestHuman: Handler<VisitorEventsR> = (ctx) =>
  Effect.gen(function*() {
    const { visitor, conversation } = yield* ownConversation(ctx)
    ctx.req.resume()
    const updated = yield* (yield* Handoff).requestHuman(visitor.shopId, visitor.visitorId, conversation.id).pipe(
      Effect.catchTag("InvalidTransition", () => Effect.succeed(conversation))
    )
    ctx.set("Cache-Control", "no-store")
    ctx.body = { conversationId: updated.id, status: updated.status }
  })

/** Adds the visitor's events feed and handoff request to a router. */
export const addVisitorEventsRoutes = (router: Router, wrap: (h: Handler<VisitorEventsR>) => Koa.Middleware, heartbeat: Duration.DurationInput = Duration.seconds(15)) => {
  router.get("/api/conversations/:id/events", wrap(conversationEvents(heartbeat)))
  router.post("/api/conversations/:id/human", wrap(requestHuman))
  return router
}
