import { Conversation, Errors, History, Ids, Message } from "@chatbot-node/domain"
import type Router from "@koa/router"
import { Effect, Option, Schema } from "effect"
import type Koa from "koa"
import type { AdminTokens } from "./AdminTokens.js"
import { decodeBody } from "./ChatBody.js"
import { requestLocale, type Handler } from "./Handler.js"
import { requireAdmin } from "./StaffAuth.js"

/** What the staff routes need. */
export type StaffRoutesR = History | AdminTokens

const DateParam = Schema.Date.pipe(Schema.filter((d) => d.getTime() > 0))

/** `GET /api/chat-history` filters; `shopId` may list several shops, comma separated. */
const HistoryQuery = Schema.Struct({
  shopId: Schema.optional(Schema.split(",").pipe(Schema.compose(Schema.Array(Ids.ShopId)))),
  visitorId: Schema.optional(Ids.VisitorId),
  status: Schema.optional(Conversation.ConversationStatus),
  from: Schema.optional(DateParam),
  to: Schema.optional(DateParam),
  q: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))),
  cursor: Schema.optional(Schema.String.pipe(Schema.maxLength(512))),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100)))
})

const RangeQuery = Schema.Struct({
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100))),
  afterSeq: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())),
  beforeSeq: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive()))
})

const encodeMessage = Schema.encodeSync(Message.Message)

/** A conversation as staff see it. */
export const conversationJson = (c: Conversation.Conversation) => ({
  id: c.id,
  shopId: c.shopId,
  visitorId: c.visitorId,
  status: c.status,
  locale: c.locale,
  botId: c.botId,
  assignedAgentId: Option.getOrNull(c.assignedAgentId),
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString()
})

/** `GET /api/chat-history`: staff search over the shops the admin belongs to, a cursor page at a time. */
export const chatHistory: Handler<StaffRoutesR> = (ctx) =>
  Effect.gen(function*() {
    const admin = yield* requireAdmin(ctx)
    const query = yield* decodeBody(HistoryQuery, ctx.query, requestLocale(ctx))
    const page = yield* (yield* History).search(admin, {
      shopIds: query.shopId,
      visitorId: query.visitorId,
      status: query.status,
      from: query.from,
      to: query.to,
      text: query.q,
      cursor: query.cursor,
      limit: query.limit ?? 20
    })
    ctx.set("Cache-Control", "no-store")
    ctx.body = {
      items: page.items.map((s) => ({ ...conversationJson(s.conversation), lastMessageText: Option.getOrNull(s.lastMessageText) })),
      nextCursor: Option.getOrNull(page.nextCursor)
    }
  })

/** `GET /api/admin/conversations/:id/messages`: a conversation of one of the admin's shops, with a range of its messages. */
export const staffMessages: Handler<StaffRoutesR> = (ctx) =>
  Effect.gen(function*() {
    const admin = yield* requireAdmin(ctx)
    const query = yield* decodeBody(RangeQuery, ctx.query, requestLocale(ctx))
    const id = yield* Schema.decodeUnknown(Ids.ConversationId)((ctx as Koa.Context & { params: Record<string, string> }).params.id).pipe(
      Effect.mapError(() => new Errors.ConversationNotFound({ conversationId: "" }))
    )
    const transcript = yield* (yield* History).staffTranscript(admin, id, { limit: query.limit ?? 50, afterSeq: query.afterSeq, beforeSeq: query.beforeSeq })
    ctx.set("Cache-Control", "no-store")
    ctx.body = { conversation: conversationJson(transcript.conversation), messages: transcript.messages.map((m) => encodeMessage(m)) }
  })

/** Adds the staff reading routes to a router. */
export const addStaffRoutes = (router: Router, wrap: (h: Handler<StaffRoutesR>) => Koa.Middleware) => {
  router.get("/api/chat-history", wrap(chatHistory))
  router.get("/api/admin/conversations/:id/messages", wrap(staffMessages))
  return router
}
