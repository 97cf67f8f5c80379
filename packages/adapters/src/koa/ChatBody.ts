import { Errors, I18n, Ids, Locale } from "@chatbot-node/domain"
import { Effect, Option, ParseResult, Schema } from "effect"
import { refuse } from "./Handler.js"

/** The page the visitor is on, as the widget reports it. */
const PageContext = Schema.Struct({
  path: Schema.optional(Schema.String.pipe(Schema.maxLength(2048))),
  productId: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  category: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
})

/** The seed's chat body `{userId, message, shopId, botId?, conversationId?, locale?}`, plus the widget's fields. */
export const ChatBody = Schema.Struct({
  shopId: Ids.ShopId,
  message: Schema.String,
  userId: Schema.optional(Schema.String),
  botId: Schema.optional(Ids.BotId),
  conversationId: Schema.optional(Schema.String),
  locale: Schema.optional(Schema.String.pipe(Schema.maxLength(35))),
  clientMessageId: Schema.optional(Ids.ClientMessageId),
  context: Schema.optional(PageContext)
})
export type ChatBody = typeof ChatBody.Type

/** A resumption (`Last-Event-ID`) names only who is asking. */
export const ResumeBody = Schema.Struct({ shopId: Ids.ShopId, userId: Schema.optional(Schema.String) })

/** Decodes a body, or a 400 in the visitor's language naming what is wrong (never the input itself). */
export const decodeBody = <A, I>(schema: Schema.Schema<A, I>, body: unknown, locale: Locale.Locale) =>
  Schema.decodeUnknown(schema, { errors: "first", onExcessProperty: "ignore" })(body).pipe(
    Effect.mapError((e) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(e)[0]
      const where = issue === undefined || issue.path.length === 0 ? "" : ` (${issue.path.join(".")})`
      return refuse(400, "bad_request", `${I18n.t(locale, "badRequest")}${where}`)
    })
  )

/** The locale a body names, if it names one we speak (`zh-CN` reads as `zh`). */
export const bodyLocale = (body: unknown): Option.Option<Locale.Locale> => {
  const tag = typeof body === "object" && body !== null ? (body as Record<string, unknown>).locale : undefined
  return typeof tag === "string" ? Locale.fromTag(tag) : Option.none()
}

/** The conversation id of a body: ours are 22 url-safe characters; anything else is nobody's conversation. */
export const conversationIdOf = (raw: string | undefined) =>
  raw === undefined || raw === ""
    ? Effect.succeed(undefined)
    : Schema.decodeUnknown(Ids.ConversationId)(raw).pipe(Effect.mapError(() => new Errors.ConversationNotFound({ conversationId: raw.slice(0, 64) })))
