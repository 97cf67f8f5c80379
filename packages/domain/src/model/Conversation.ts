import { Schema } from "effect"
import { AdminId, BotId, ConversationId, ShopId, VisitorId } from "./Ids.js"
import { Locale } from "./Locale.js"

/**
 * Who answers a conversation: the `bot`; nobody yet while `waiting-for-agent`; an `agent`
 * (the bot is silent); or nobody any more (`closed`).
 */
export const ConversationStatus = Schema.Literal("bot", "waiting-for-agent", "agent", "closed")
export type ConversationStatus = typeof ConversationStatus.Type

/** A visitor's conversation with a shop. */
export class Conversation extends Schema.Class<Conversation>("Conversation")({
  id: ConversationId,
  shopId: ShopId,
  visitorId: VisitorId,
  locale: Locale,
  botId: BotId,
  /** The bot platform's own conversation id (a Coze conversation), once it has one. */
  upstreamConversationId: Schema.OptionFromNullOr(Schema.String),
  status: ConversationStatus,
  assignedAgentId: Schema.OptionFromNullOr(AdminId),
  createdAt: Schema.Date,
  updatedAt: Schema.Date
}) {}

/** What a caller gives to open a conversation. */
export interface NewConversation {
  readonly id: ConversationId
  readonly shopId: ShopId
  readonly visitorId: VisitorId
  readonly locale: Locale
  readonly botId: BotId
}

/** The fields of a conversation that change over its life. */
export interface ConversationPatch {
  readonly locale?: Locale | undefined
  readonly botId?: BotId | undefined
  readonly upstreamConversationId?: string | undefined
  readonly status?: ConversationStatus | undefined
  readonly assignedAgentId?: AdminId | null | undefined
}
