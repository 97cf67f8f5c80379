import { Schema } from "effect"
import { BotId, ConversationId, MessageId } from "./Ids.js"
import { ConversationStatus } from "./Conversation.js"
import { FunctionCall } from "./FunctionCall.js"
import { Locale } from "./Locale.js"
import { Message } from "./Message.js"
import { Product } from "./Product.js"

/** The turn began: the ids a client needs to follow, resume and show it. */
export class Started extends Schema.TaggedClass<Started>()("started", {
  conversationId: ConversationId,
  messageId: MessageId,
  replyId: Schema.OptionFromNullOr(MessageId),
  locale: Locale,
  botId: BotId
}) {}

/** Visible reply text, in order; concatenated per `replyId`. */
export class Delta extends Schema.TaggedClass<Delta>()("delta", {
  replyId: MessageId,
  text: Schema.String
}) {}

/** Product cards from the shop's catalog, answering one of the bot's function calls. */
export class Products extends Schema.TaggedClass<Products>()("products", {
  replyId: MessageId,
  call: FunctionCall,
  products: Schema.Array(Product)
}) {}

/** Suggested follow-up questions for the visitor to tap. */
export class Suggestions extends Schema.TaggedClass<Suggestions>()("suggestions", {
  replyId: MessageId,
  suggestions: Schema.Array(Schema.String)
}) {}

/** A message was stored: the finished reply, or a visitor's, agent's or system message. */
export class MessageStored extends Schema.TaggedClass<MessageStored>()("message", {
  message: Message
}) {}

/** The conversation changed hands (bot, waiting for an agent, agent, closed). */
export class StatusChanged extends Schema.TaggedClass<StatusChanged>()("status", {
  conversationId: ConversationId,
  status: ConversationStatus
}) {}

/** Someone (visitor or agent) is typing. */
export class Typing extends Schema.TaggedClass<Typing>()("typing", {
  conversationId: ConversationId,
  from: Schema.Literal("visitor", "agent", "bot"),
  typing: Schema.Boolean
}) {}

/** What a client may see of an error: a stable code and a sentence in the visitor's language. */
export const ChatErrorCode = Schema.Literal(
  "bad_request",
  "message_too_long",
  "rate_limited",
  "bot_unavailable",
  "bot_busy",
  "not_found",
  "forbidden",
  "internal"
)
export type ChatErrorCode = typeof ChatErrorCode.Type

export class ErrorEvent extends Schema.TaggedClass<ErrorEvent>()("error", {
  code: ChatErrorCode,
  message: Schema.String,
  retryable: Schema.Boolean
}) {}

/** The turn ended; `status` is the reply's final state, if there was a reply. */
export class Done extends Schema.TaggedClass<Done>()("done", {
  conversationId: ConversationId,
  replyId: Schema.OptionFromNullOr(MessageId),
  status: Schema.Literal("complete", "interrupted", "failed", "handed-off")
}) {}

/** Everything a visitor's or an agent's client sees, over SSE or Socket.io alike. */
export const ChatEvent = Schema.Union(
  Started,
  Delta,
  Products,
  Suggestions,
  MessageStored,
  StatusChanged,
  Typing,
  ErrorEvent,
  Done
)
export type ChatEvent = typeof ChatEvent.Type
export type ChatEventEncoded = typeof ChatEvent.Encoded
