import { Chat, Errors, Handoff, History, Ids, Message, ShopDirectory } from "@chatbot-node/domain"
import type Router from "@koa/router"
import { Effect, Option, Schema } from "effect"
import type Koa from "koa"
import { decodeBody } from "./ChatBody.js"
import { requestLocale, type Handler } from "./Handler.js"
import { readJson } from "./RequestBody.js"
import type { OriginPolicy } from "./OriginPolicy.js"
import { checkOrigin, identify, tokenVisitorPrefix } from "./VisitorIdentity.js"
import { VisitorTokens } from "./VisitorTokens.js"

/** What the visitor routes need. */
export type VisitorRoutesR = Chat | Handoff | History | ShopDirectory | VisitorTokens | OriginPolicy

const SessionBody = Schema.Struct({ shopId: Ids.ShopId })

const TypingBody = Schema.Struct({
  shopId: Schema.optional(Ids.ShopId),
  userId: Schema.optional(Schema.String),
  /** The conversation the visitor writes in, whose agents are told; none before the first message. */
  conversationId: Schema.optional(Ids.ConversationId),
  /** False when the visitor stopped (cleared the box, sent); true by default. */
  typing: Schema.optional(Schema.Boolean)
})

const MessagesQuery = Schema.Struct({
  shopId: Schema.optional(Ids.ShopId),
  userId: Schema.optional(Schema.String),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100))),
  afterSeq: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())),
  beforeSeq: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.positive()))
})

const encodeMessage = Schema.encodeSync(Message.Message)

/** `POST /api/visitor/session {shopId}`: a signed visitor token for a new visitor of the shop. */
export const createSession = (bodyLimitBytes: number): Handler<VisitorRoutesR> => (ctx) =>
  Effect.gen(function*() {
    const locale = requestLocale(ctx)
    const body = yield* decodeBody(SessionBody, yield* readJson(ctx.req, { limit: bodyLimitBytes, locale }), locale)
    const shop = yield* (yield* ShopDirectory).getShop(body.shopId)
    if (Option.isNone(shop)) return yield* new Errors.ShopNotFound({ shopId: body.shopId })
    yield* checkOrigin(ctx, shop.value.id, locale)
    const visitorId = Ids.VisitorId.make(`${tokenVisitorPrefix}${Ids.randomToken()}`)
    const issued = yield* (yield* VisitorTokens).issue({ shopId: shop.value.id, visitorId })
    // A new visitor's first message follows: the bot gets ready for it meanwhile.
    yield* (yield* Chat).prepare(visitorId)
    ctx.status = 201
    ctx.set("Cache-Control", "no-store")
    ctx.body = { token: issued.token, tokenType: "Bearer", expiresAt: issued.expiresAt.toISOString(), shopId: shop.value.id, visitorId }
  })

/**
 * `POST /api/visitor/typing {shopId?, userId?, conversationId?, typing?}` (the visitor's token, or an
 * anonymous id as for a message): the visitor is writing, so the bot gets ready for the message
 * (`Chat.prepare`: a cold connection to Coze is opened again, the visitor's Coze token fetched or
 * renewed), and agents following the visitor's conversation see them typing (`Handoff.typing`;
 * another's conversation is 404). 204; the widget sends it at most every few seconds while typing.
 */
export const typing = (bodyLimitBytes: number): Handler<VisitorRoutesR> => (ctx) =>
  Effect.gen(function*() {
    const locale = requestLocale(ctx)
    const body = yield* decodeBody(TypingBody, yield* readJson(ctx.req, { limit: bodyLimitBytes, locale }), locale)
    const visitor = yield* identify(ctx, { shopId: body.shopId, userId: body.userId }, locale)
    const typing = body.typing ?? true
    if (typing) yield* (yield* Chat).prepare(visitor.visitorId)
    if (body.conversationId !== undefined) yield* (yield* Handoff).typing({ _tag: "Visitor", shopId: visitor.shopId, visitorId: visitor.visitorId }, body.conversationId, typing)
    ctx.status = 204
  })

/** `GET /api/conversations/:id/messages`: the visitor's own conversation and its messages (in `seq` order). */
export const conversationMessages: Handler<VisitorRoutesR> = (ctx) =>
  Effect.gen(function*() {
    const locale = requestLocale(ctx)
    const query = yield* decodeBody(MessagesQuery, ctx.query, locale)
    const visitor = yield* identify(ctx, { shopId: query.shopId, userId: query.userId }, locale)
    const id = yield* Schema.decodeUnknown(Ids.ConversationId)((ctx as Koa.Context & { params: Record<string, string> }).params.id).pipe(
      Effect.mapError(() => new Errors.ConversationNotFound({ conversationId: "" }))
    )
    const transcript = yield* (yield* History).visitorTranscript(visitor.shopId, visitor.visitorId, id, {
      limit: query.limit ?? 50,
      afterSeq: query.afterSeq,
      beforeSeq: query.beforeSeq
    })
    const c = transcript.conversation
    ctx.set("Cache-Control", "no-store")
    ctx.body = {
      conversation: { id: c.id, shopId: c.shopId, status: c.status, locale: c.locale, botId: c.botId, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() },
      messages: transcript.messages.map((m) => encodeMessage(m))
    }
  })

/** Adds the visitor routes to a router. */
export const addVisitorRoutes = (router: Router, wrap: (h: Handler<VisitorRoutesR>) => Koa.Middleware, bodyLimitBytes: number) => {
  router.post("/api/visitor/session", wrap(createSession(bodyLimitBytes)))
  router.post("/api/visitor/typing", wrap(typing(bodyLimitBytes)))
  router.get("/api/conversations/:id/messages", wrap(conversationMessages))
  return router
}

