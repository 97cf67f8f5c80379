import { Schema } from "effect"
import { AdminId, ClientMessageId, ConversationId, MessageId } from "./Ids.js"
import { FunctionCall } from "./FunctionCall.js"
import { Product } from "./Product.js"

/** Who wrote a message. */
export const MessageRole = Schema.Literal("visitor", "bot", "agent", "system")
export type MessageRole = typeof MessageRole.Type

/**
 * A message's state: bot replies are `streaming` until they end `complete`, or `interrupted`
 * (the stream stopped: shutdown, crash, cancel) or `failed` (the bot answered with an error).
 */
export const MessageStatus = Schema.Literal("complete", "streaming", "interrupted", "failed")
export type MessageStatus = typeof MessageStatus.Type

/** The longest message a visitor or an agent may send, in characters. */
export const maxMessageLength = 4000

/** One message of a conversation; `seq` orders a conversation's messages totally. */
export class Message extends Schema.Class<Message>("Message")({
  id: MessageId,
  conversationId: ConversationId,
  seq: Schema.Number.pipe(Schema.int(), Schema.positive()),
  role: MessageRole,
  text: Schema.String,
  functionCalls: Schema.Array(FunctionCall),
  products: Schema.Array(Product),
  suggestions: Schema.Array(Schema.String),
  status: MessageStatus,
  clientMessageId: Schema.OptionFromNullOr(ClientMessageId),
  agentId: Schema.OptionFromNullOr(AdminId),
  createdAt: Schema.Date,
  updatedAt: Schema.Date
}) {}

/** What a caller gives to append a message; the store assigns id, seq and timestamps. */
export interface NewMessage {
  readonly conversationId: ConversationId
  readonly role: MessageRole
  readonly text: string
  readonly status: MessageStatus
  readonly clientMessageId?: ClientMessageId | undefined
  readonly agentId?: AdminId | undefined
  readonly functionCalls?: ReadonlyArray<FunctionCall> | undefined
  readonly products?: ReadonlyArray<Product> | undefined
  readonly suggestions?: ReadonlyArray<string> | undefined
}

/** The final state of a reply written in parts. */
export interface ReplyOutcome {
  readonly text: string
  readonly status: MessageStatus
  readonly functionCalls: ReadonlyArray<FunctionCall>
  readonly products: ReadonlyArray<Product>
  readonly suggestions: ReadonlyArray<string>
}
